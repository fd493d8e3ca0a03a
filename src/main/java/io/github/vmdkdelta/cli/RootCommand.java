package io.github.vmdkdelta.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code vmdk-delta}: the root command, holding the global options. */
// INHERIT: every subcommand gets the help options and the exit-code footer from here.
@Command(
    name = "vmdk-delta",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Snapshots for VMware .vmdk disks without a snapshot manager.",
    footer = {"", ExitCode.HELP_TABLE},
    usageHelpAutoWidth = true)
class RootCommand implements Runnable {
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

  @Option(
      names = "--force",
      scope = ScopeType.INHERIT,
      description =
          "Go ahead despite a VMware lock (.lck), after saying who holds it. Only for a stale lock"
              + " left by a crash: never while the VM runs.")
  boolean force;

  @Option(
      names = "--allow-parent-outside-folder",
      scope = ScopeType.INHERIT,
      description =
          "Follow parent hints that are absolute or leave the disk's folder (read only: such a"
              + " parent is never renamed).")
  boolean allowParentOutsideFolder;

  /** --pause-on-error, --pause, --confirm, --yes: for double-click use. */
  @picocli.CommandLine.Mixin Interaction interaction = new Interaction();

  /** What this run takes from the system (Main sets it before the command runs). */
  Environment environment = Environment.system();

  /** The safety overrides given on the command line. */
  io.github.vmdkdelta.ops.Options options() {
    return new io.github.vmdkdelta.ops.Options(force, allowParentOutsideFolder);
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing command: one of " + String.join(", ", Subcommands.names()));
  }
}
