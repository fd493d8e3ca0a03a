package io.github.vmdkdelta.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code vmdk-delta}: the root command, holding the global options. */
@Command(
    name = "vmdk-delta",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Snapshots for VMware .vmdk disks without a snapshot manager.",
    subcommands = {MakeCommand.class, DeleteCommand.class, RecoverCommand.class},
    footer = {"", ExitCode.HELP_TABLE},
    usageHelpAutoWidth = true)
final class RootCommand implements Runnable {
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @Option(
      names = "--dry-run",
      scope = ScopeType.INHERIT,
      description = "Print the planned file steps and change nothing.")
  boolean dryRun;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing command: make, delete or recover");
  }
}
