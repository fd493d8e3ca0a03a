package io.github.vmdkdelta.cli;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code vmdk-delta}: the root command, holding the global options ({@link GlobalOption}). */
// INHERIT: every subcommand gets the exit-code footer from here, and the options (GlobalOption).
@Command(
    name = "vmdk-delta",
    scope = ScopeType.INHERIT,
    versionProvider = VersionProvider.class,
    description = "Snapshots for VMware .vmdk disks without a snapshot manager.",
    footer = {"", ExitCode.HELP_TABLE},
    usageHelpAutoWidth = true,
    modelTransformer = GlobalOption.Transformer.class)
class RootCommand implements Runnable {
  /** The global options given on the command line. */
  final Set<GlobalOption> given = EnumSet.noneOf(GlobalOption.class);

  /** What this run takes from the system (Main sets it before the command runs). */
  Environment environment = Environment.system();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  boolean has(GlobalOption option) {
    return given.contains(option);
  }

  /** --pause-on-error, --pause, --confirm, --yes: for double-click use. */
  Interaction interaction() {
    return new Interaction(given);
  }

  /** The safety overrides given on the command line. */
  io.github.vmdkdelta.ops.Options options() {
    return new io.github.vmdkdelta.ops.Options(
        has(GlobalOption.FORCE), has(GlobalOption.ALLOW_PARENT_OUTSIDE_FOLDER));
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing command: one of " + String.join(", ", Subcommands.names()));
  }
}
