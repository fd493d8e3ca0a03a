package io.github.vmdkdelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A run of one subcommand on a file, or {@code --version} alone, without picocli: its model of the
 * annotated commands (reflection, a dynamic proxy class per annotation) and its parser's set-up
 * (some 40 type converters looked up by reflection) were most of the start-up time of such a run
 * (docs/startup.md). It takes only command lines whose every argument is a global option ({@link
 * GlobalOption}), the subcommand's name, one of its own flags ({@link FileCommand#flags}) or its
 * one file, each at most once, the file not starting with '-' or '@': words that picocli reads the
 * same way. Any other command line (help, an error, an option with a value, an @file, --confirm,
 * which asks picocli's parse result, a VM's .vmx, or another subcommand) goes to picocli and the
 * annotated classes ({@link Subcommands}), so that help, errors and their wording come from one
 * place.
 */
final class DirectRun {
  final RootCommand root;
  private final FileCommand command;
  final String name;
  final Path file;
  final Set<String> flags;

  private DirectRun(
      RootCommand root, FileCommand command, String name, Path file, Set<String> flags) {
    this.root = root;
    this.command = command;
    this.name = name;
    this.file = file;
    this.flags = flags;
  }

  /** The run {@code args} ask for, or empty when picocli must read them. */
  static Optional<DirectRun> parse(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return Optional.of(new DirectRun(new RootCommand(), null, null, null, Set.of()));
    }
    RootCommand root = new RootCommand();
    FileCommand command = null;
    String name = null;
    Path file = null;
    Set<String> flags = new HashSet<>();
    for (String arg : args) {
      GlobalOption global = GlobalOption.named(arg);
      String flag = command == null ? null : flagNamed(command, arg);
      if (global != null) {
        if (!root.given.add(global)) {
          return Optional.empty();
        }
      } else if (flag != null) {
        if (!flags.add(flag)) {
          return Optional.empty();
        }
      } else if (arg.startsWith("-") || arg.startsWith("@")) {
        return Optional.empty();
      } else if (command == null) {
        command = command(arg);
        name = arg;
        if (command == null) {
          return Optional.empty();
        }
      } else if (file == null) {
        try {
          file = new PathArgument().convert(arg);
        } catch (RuntimeException e) {
          return Optional.empty(); // picocli says why
        }
      } else {
        return Optional.empty();
      }
    }
    // A VM's .vmx takes --disk and refuses some flags with picocli's usage errors.
    if (file == null || root.has(GlobalOption.CONFIRM) || VmCommands.isVmx(file)) {
      return Optional.empty();
    }
    return Optional.of(new DirectRun(root, command, name, file, flags));
  }

  /** Runs it as picocli would have, with Main's handling of failures; returns the exit code. */
  int run(Environment environment, PrintWriter out, PrintWriter err, String... args) {
    root.environment = environment;
    Terminal terminal = environment.terminal();
    int code;
    if (command == null) {
      for (String line : new VersionProvider().getVersion()) {
        out.println(String.format(line));
      }
      code = ExitCode.OK;
    } else {
      command.bind(root, name, out, err, file, flags);
      try {
        code = command.call();
      } catch (Exception e) {
        code = new Main.Handlers(root, terminal, err).handleExecutionException(e, null, null);
      }
    }
    root.interaction().pauseIfAsked(code, args, terminal, err);
    out.flush();
    err.flush();
    return code;
  }

  /** The longest name of the command's flag named {@code arg}, or null. */
  private static String flagNamed(FileCommand command, String arg) {
    for (String[] names : command.flags()) {
      for (String n : names) {
        if (n.equals(arg)) {
          return names[names.length - 1];
        }
      }
    }
    return null;
  }

  /** A new command for this subcommand name, if it is one on a file. */
  static FileCommand command(String name) {
    return switch (name) {
      case "make" -> new MakeCommand();
      case "delete" -> new DeleteCommand();
      case "revert" -> new RevertCommand();
      case "commit" -> new CommitCommand();
      case "recover" -> new RecoverCommand();
      case "info" -> new InfoCommand();
      case "check" -> new CheckCommand();
      default -> null;
    };
  }
}
