package io.github.vmdkdelta.cli;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds the command line for one run with only the subcommand it names. picocli builds the model
 * of a command (every option, by reflection) when the command is added, and for a run that uses one
 * command that was most of its start-up time; help, errors, completion and the Explorer menu get
 * the whole {@link CommandTree}.
 */
final class Subcommands {
  /** Commands that read the whole command tree. */
  private static final Set<String> NEED_ALL = Set.of("integrate", "completion");

  private Subcommands() {}

  /** The command line for {@code args}, with {@code root} as its root. */
  static CommandLine forRun(String... args) {
    Optional<Class<?>> one = firstNonOption(args).flatMap(Subcommands::named);
    if (one.isPresent()) {
      CommandLine cl = new CommandLine(new RootCommand());
      cl.addSubcommand(one.get().getAnnotation(Command.class).name(), one.get());
      return cl;
    }
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return new CommandLine(new RootCommand());
    }
    return new CommandLine(new CommandTree());
  }

  /** Every subcommand's name, in help order. */
  static List<String> names() {
    return classes().stream().map(c -> c.getAnnotation(Command.class).name()).toList();
  }

  private static List<Class<?>> classes() {
    return List.of(CommandTree.class.getAnnotation(Command.class).subcommands());
  }

  private static Optional<Class<?>> named(String name) {
    if (NEED_ALL.contains(name)) {
      return Optional.empty();
    }
    return classes().stream()
        .filter(c -> c.getAnnotation(Command.class).name().equals(name))
        .findFirst();
  }

  /** The root's options are all flags, so the first word that is no option names the command. */
  static Optional<String> firstNonOption(String... args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return Optional.empty();
      }
      if (!arg.startsWith("-")) {
        return Optional.of(arg);
      }
    }
    return Optional.empty();
  }
}
