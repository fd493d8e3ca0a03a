package io.github.vmdkdelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
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
  private final String fileLabel;
  private final String[][] flags;
  private final Set<String> given = new HashSet<>();

  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  /**
   * The file parameter as given: a disk, or the folder of recover (each declares it: its help
   * differs).
   */
  Path disk;

  /**
   * @param fileLabel the label of the file parameter
   * @param flags this subcommand's own options, all flags, each by all its names, the longest last
   */
  FileCommand(String fileLabel, String[]... flags) {
    this.fileLabel = fileLabel;
    this.flags = flags;
  }

  String fileLabel() {
    return fileLabel;
  }

  String[][] flags() {
    return flags;
  }

  /** Whether the flag of this longest name was given. */
  final boolean has(String flag) {
    return given.contains(flag);
  }

  /** Sets the flag of this longest name (the annotated options' setters call it). */
  final void set(String flag, boolean on) {
    if (on) {
      given.add(flag);
    } else {
      given.remove(flag);
    }
  }

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
    this.disk = file;
    given.addAll(flags);
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
