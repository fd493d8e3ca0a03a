package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.RevertDelta;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta revert DISK}. */
@ExplorerMenu(
    label = "Revert to snapshot",
    destructive = true,
    question = "Revert %s to its snapshot and lose the changes made since?")
@Command(
    name = "revert",
    description = {
      "Go back to the snapshot and keep it: replace the delta DISK with a new, empty one.",
      "Everything written to DISK since its snapshot is lost; the frozen parent stays as it is,"
          + " ready for the next revert. The same as delete then make, as one transaction."
    })
final class RevertCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DISK",
      description = "The delta .vmdk file to empty, or a VM's .vmx: every disk's delta at once.")
  Path disk;

  @Mixin VmDiskOption vm = new VmDiskOption();

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      return VmCommands.revert(root, spec, disk, vm.disks);
    }
    VmCommands.requireNoDisksNamed(spec, disk, vm.disks);
    RevertDelta revert =
        new RevertDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    Report report = new Report(spec);
    if (root.dryRun) {
      report.notePendingJournal(disk);
      RevertDelta.RevertPlan plan = revert.plan(disk);
      report.dryRun(
          "would revert " + disk + " to its snapshot " + plan.parent().getFileName(),
          plan.warnings(),
          plan.plan());
      return ExitCode.OK;
    }
    InterruptNotice.watch("revert", disk);
    RevertDelta.RevertResult result = revert.run(disk);
    report.done(
        result.warnings(),
        disk
            + ": reverted to the snapshot in "
            + result.parent().getFileName()
            + "; "
            + disk.getFileName()
            + " is a new, empty delta");
    return ExitCode.OK;
  }
}
