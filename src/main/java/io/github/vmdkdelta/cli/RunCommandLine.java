package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of a run of one subcommand on a file, or of {@code --version}, built in code
 * with picocli's programmatic API. picocli's model of the annotated classes is built by reflection,
 * with a dynamic proxy class for each annotation type, and that was most of the start-up time of
 * such a run (docs/startup.md). This one knows only what parsing needs: the global options ({@link
 * GlobalOption}, as the annotated tree has them), the subcommand's own flags and its file ({@link
 * FileCommand}). A command line that asks for help, that it cannot parse, or that names another
 * subcommand goes to the annotated classes ({@link Subcommands}), so that help, errors and their
 * wording come from one place.
 */
final class RunCommandLine {
  private RunCommandLine() {}

  /** The parsed command line for {@code args}, or empty when the annotated tree must take it. */
  static Optional<CommandLine> forRun(String... args) {
    RootCommand root = new RootCommand();
    CommandSpec rootSpec = CommandSpec.wrapWithoutInspection(root).name("vmdk-delta");
    rootSpec.versionProvider(new VersionProvider());
    GlobalOption.addTo(rootSpec, root);
    CommandLine cl = new CommandLine(rootSpec);
    Optional<String> name = Subcommands.firstNonOption(args);
    FileCommand command = name.isPresent() ? command(name.get()) : null;
    CommandSpec spec = null;
    if (command != null) {
      spec = CommandSpec.wrapWithoutInspection(command).name(name.get());
      for (String[] names : command.flags()) {
        spec.addOption(OptionSpec.builder(names).arity("0").type(boolean.class).build());
      }
      spec.addPositional(
          PositionalParamSpec.builder()
              .index("0")
              .arity("1")
              .required(true)
              .paramLabel(command.fileLabel())
              .type(Path.class)
              .build());
      cl.addSubcommand(spec.name(), new CommandLine(spec));
    }
    cl.registerConverter(Path.class, new PathArgument());
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return Optional.empty();
    }
    if (parsed.isUsageHelpRequested()) {
      return Optional.empty();
    }
    if (!parsed.hasSubcommand()) {
      return parsed.isVersionHelpRequested() ? Optional.of(cl) : Optional.empty();
    }
    ParseResult sub = parsed.subcommand();
    if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
      return Optional.empty();
    }
    Set<String> flags = new HashSet<>();
    for (String[] names : command.flags()) {
      if (sub.hasMatchedOption(names[names.length - 1])) {
        flags.add(names[names.length - 1]);
      }
    }
    command.bind(root, spec, sub.matchedPositionalValue(0, null), flags);
    return Optional.of(cl);
  }

  /** A new command for this subcommand name, if it is one on a file built here. */
  private static FileCommand command(String name) {
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
