package io.github.vmdkdelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options for double-click use, and what they do. The Explorer menu entries pass them; typed or
 * scripted use never needs them, and without them vmdk-delta never prompts and never waits.
 *
 * <ul>
 *   <li>{@code --pause-on-error}: after an error, say in plain words what happened and what to do,
 *       then wait for Enter, so the console window Explorer opened does not close at once.
 *   <li>{@code --pause}: wait for Enter after any outcome (for verbs that show something).
 *   <li>{@code --confirm}: ask before a verb that changes files, go ahead only on "y" or "yes".
 *       With no terminal to ask on, refuse (exit 2) rather than wait for an answer that cannot come
 *       or guess one.
 *   <li>{@code --yes}: the answer to every question is yes.
 * </ul>
 *
 * Waiting and asking happen only on an interactive {@link Terminal}; {@code --dry-run} never asks.
 */
final class Interaction {
  private final boolean pauseOnError;
  private final boolean pause;
  private final boolean confirm;
  private final boolean yes;

  Interaction(Set<GlobalOption> given) {
    this.pauseOnError = given.contains(GlobalOption.PAUSE_ON_ERROR);
    this.pause = given.contains(GlobalOption.PAUSE);
    this.confirm = given.contains(GlobalOption.CONFIRM);
    this.yes = given.contains(GlobalOption.YES);
  }

  /**
   * Runs the parsed command, first asking its question when {@code --confirm} applies. A "no"
   * changes nothing and exits 0 (the person chose so, as with {@code rm -i}).
   */
  int confirmThenRun(ParseResult parsed, Terminal terminal, PrintWriter err, boolean dryRun) {
    ParseResult leaf = parsed;
    boolean help = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
      help |= leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested();
    }
    // The menu annotation only when it can matter: reading one costs a dynamic proxy class.
    ExplorerMenu verb = confirm && !yes && !dryRun && !help ? menuOf(leaf.commandSpec()) : null;
    if (verb != null && verb.destructive()) {
      String question = String.format(Locale.ROOT, verb.question(), diskName(leaf));
      if (!terminal.interactive()) {
        throw new CommandLine.ParameterException(
            leaf.commandSpec().commandLine(),
            "--confirm needs a terminal to ask \""
                + question
                + "\"; add --yes to go ahead without asking");
      }
      if (!ask(terminal, err, question)) {
        err.println("vmdk-delta: nothing changed: the answer was not yes");
        err.flush();
        return ExitCode.OK;
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /** The command's menu annotation, or null. */
  static ExplorerMenu menuOf(CommandSpec spec) {
    Object command = spec.userObject();
    return command == null ? null : command.getClass().getAnnotation(ExplorerMenu.class);
  }

  /** What the question names: the disk, or a VM's disks. */
  private static String diskName(ParseResult leaf) {
    List<ArgSpec> args = leaf.matchedArgs();
    for (ArgSpec a : args) {
      if (a.isPositional()) {
        Object v = a.getValue();
        if (v instanceof Path p && p.getFileName() != null) {
          String name = p.getFileName().toString();
          return VmCommands.isVmx(p) ? vmDisks(leaf, name) : name;
        }
        return String.valueOf(v);
      }
    }
    return "the disk";
  }

  private static String vmDisks(ParseResult leaf, String vmx) {
    List<Path> disks = leaf.matchedOptionValue("--disk", List.of());
    List<String> named = disks.stream().map(d -> String.valueOf(d.getFileName())).toList();
    return named.isEmpty() ? "every disk of " + vmx : String.join(", ", named) + " of " + vmx;
  }

  /**
   * Asks {@code question [y/N]} and reads the answer: true only for "y" or "yes" (any case, spaces
   * around ignored); an empty line, anything else or the end of input is no.
   */
  static boolean ask(Terminal terminal, PrintWriter err, String question) {
    err.print(question + " [y/N] ");
    err.flush();
    String answer = terminal.readLine();
    if (answer == null) {
      err.println();
      err.flush();
      return false;
    }
    return isYes(answer);
  }

  static boolean isYes(String answer) {
    String a = answer.strip().toLowerCase(Locale.ROOT);
    return a.equals("y") || a.equals("yes");
  }

  /**
   * After the command: with {@code --pause}, or {@code --pause-on-error} and a failure, explain the
   * failure in plain words and wait for Enter; only on an interactive terminal. {@code args} is
   * looked at when the command line could not be parsed as far as these options.
   */
  void pauseIfAsked(int code, String[] args, Terminal terminal, PrintWriter err) {
    boolean onError = pauseOnError || given(args, "--pause-on-error");
    boolean always = pause || given(args, "--pause");
    if (!(always || (onError && code != ExitCode.OK)) || !terminal.interactive()) {
      return;
    }
    if (code != ExitCode.OK) {
      err.println();
      for (String line : advice(code)) {
        err.println(line);
      }
    }
    err.println();
    err.print("Press Enter to close this window.");
    err.flush();
    terminal.readLine();
  }

  /** Whether the option is among the arguments before any "--" (for an unparsable line). */
  private static boolean given(String[] args, String option) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals(option)) {
        return true;
      }
    }
    return false;
  }

  /** What an exit code means for someone who double-clicked, and what to do next. */
  static List<String> advice(int code) {
    String safe =
        "vmdk-delta changes nothing unless it can do the whole operation; an operation that was"
            + " interrupted is finished or undone the next time vmdk-delta runs on this folder.";
    return switch (code) {
      case ExitCode.USAGE ->
          List.of(
              "The command was not understood (the line above says why).",
              "If it came from the Explorer menu, set the menu up again with"
                  + " 'vmdk-delta integrate windows'.");
      case ExitCode.CORRUPT ->
          List.of(
              "A disk file is damaged, so vmdk-delta did not touch it.",
              "Keep a copy of the whole folder before trying to repair it with other tools.");
      case ExitCode.UNSUPPORTED ->
          List.of(
              "vmdk-delta cannot do this on this disk (the line above says why), so nothing was"
                  + " changed.");
      case ExitCode.BROKEN_CHAIN ->
          List.of(
              "The disk depends on another file that is missing, was changed or does not match,"
                  + " so nothing was changed.",
              "Put back the file named above (same folder, same name), or check which file the"
                  + " VM really uses.");
      case ExitCode.IO_ERROR ->
          List.of(
              "A file could not be read or written: missing, no permission, read-only folder or"
                  + " disk full.",
              safe);
      case ExitCode.IN_USE ->
          List.of(
              "The disk is in use, or a file name vmdk-delta needs is taken.",
              "Power off the virtual machine (not suspend) and close VMware, then try again. If"
                  + " VMware is closed and a lock is still reported, it was left by a crash: see"
                  + " --force in the README.");
      case ExitCode.INTERNAL_ERROR ->
          List.of(
              "This is a bug in vmdk-delta. Please report it with the output of the same command"
                  + " run with --verbose.",
              safe);
      default -> List.of(safe);
    };
  }
}
