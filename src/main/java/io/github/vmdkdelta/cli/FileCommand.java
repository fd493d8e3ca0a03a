package io.github.vmdkdelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand on one file, its one parameter: picocli gives it its fields from the annotations in
 * the whole tree, {@link #bind} when it runs without picocli ({@link DirectRun}), which asks {@link
 * #fileLabel} and {@link #flags} (DirectRunTest checks them against the annotations).
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

  private String name;
  private PrintWriter out;
  private PrintWriter err;

  /** What picocli injects from the annotations, for a run without picocli ({@link DirectRun}). */
  final void bind(
      RootCommand root,
      String name,
      PrintWriter out,
      PrintWriter err,
      Path file,
      Set<String> flags) {
    this.root = root;
    this.name = name;
    this.out = out;
    this.err = err;
    bind(file, flags);
  }

  /** This subcommand's name. */
  final String name() {
    return name != null ? name : spec.name();
  }

  /** Standard output. */
  final PrintWriter out() {
    return out != null ? out : spec.commandLine().getOut();
  }

  /** Standard error. */
  final PrintWriter err() {
    return err != null ? err : spec.commandLine().getErr();
  }
}
