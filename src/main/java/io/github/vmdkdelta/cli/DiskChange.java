package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ParameterException;

/**
 * A subcommand that changes the files of one disk's chain (make, delete, revert, commit): with
 * {@code --dry-run} it notes a pending journal and shows its plan; otherwise it says what an
 * interruption would leave ({@link InterruptNotice}), then runs.
 */
abstract class DiskChange extends FileCommand {
  /** {@code --json}, which every disk change has. */
  private static final String[] JSON = {"--json"};

  DiskChange(String[]... flags) {
    super("DISK", withJson(flags));
  }

  private static String[][] withJson(String[][] flags) {
    String[][] all = java.util.Arrays.copyOf(flags, flags.length + 1);
    all[flags.length] = JSON;
    return all;
  }

  /** {@code --disk FILE}, with a VM's .vmx. */
  @picocli.CommandLine.Mixin VmDiskOption vm = new VmDiskOption();

  private static final String DISK_HELP =
      "The .vmdk file, or a VM's .vmx: every disk the VM's snapshot covers, at once (see --disk).";

  private static final String JSON_HELP =
      "Print a JSON document (docs/json.md) instead of the outcome: what was done or planned, and"
          + " the warnings.";

  @picocli.CommandLine.Parameters(paramLabel = "DISK", description = DISK_HELP)
  void disk(Path disk) {
    this.disk = disk;
  }

  @picocli.CommandLine.Option(names = "--json", description = JSON_HELP)
  void json(boolean on) {
    set("--json", on);
  }

  /** Plans and shows the plan, changing nothing. */
  abstract void dryRun(Report report) throws Exception;

  /** Does it and reports the outcome. */
  abstract void run(Report report) throws Exception;

  /** Plans, or plans and does it, on the disks {@code only} of the VM {@code vmx} (empty: all). */
  abstract int runOnVm(Path vmx, List<Path> only) throws Exception;

  @Override
  public final Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      if (has("--json")) {
        throw new ParameterException(
            spec.commandLine(), "--json is for one disk; with a .vmx, use info --json");
      }
      return runOnVm(disk, vm.disks);
    }
    if (!vm.disks.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--disk names disks of a VM: give the VM's .vmx, not " + disk.getFileName());
    }
    Report report = new Report(out(), err(), name(), disk, has("--json"));
    if (root.has(GlobalOption.DRY_RUN)) {
      report.notePendingJournal(disk);
      dryRun(report);
      return ExitCode.OK;
    }
    InterruptNotice.watch(name(), disk);
    run(report);
    return ExitCode.OK;
  }
}
