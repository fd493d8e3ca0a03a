package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand on one file, its one parameter: picocli gives it its fields from the annotations in
 * the whole tree, {@link #bind} from a run's command line built in code ({@link RunCommandLine}),
 * which asks {@link #fileLabel} and {@link #flags} (SubcommandsTest checks them against the
 * annotations).
 */
abstract class FileCommand implements Callable<Integer> {
  private static final String[][] NO_FLAGS = {};

  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  /** The label of the file parameter. */
  String fileLabel() {
    return "DISK";
  }

  /** This subcommand's own options, all flags, each by all its names, the longest last. */
  String[][] flags() {
    return NO_FLAGS;
  }

  /** Takes the file and the flags given (each by its longest name). */
  abstract void bind(Path file, Set<String> flags);

  /** What picocli injects from the annotations, for a command line built in code. */
  final void bind(RootCommand root, CommandSpec spec, Path file, Set<String> flags) {
    this.root = root;
    this.spec = spec;
    bind(file, flags);
  }
}
