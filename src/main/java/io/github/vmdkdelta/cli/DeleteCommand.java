package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.DeleteDelta;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta delete DISK}. */
@ExplorerMenu(
    label = "Delete snapshot",
    destructive = true,
    question = "Delete the snapshot of %s and lose the changes made since?")
@Command(
    name = "delete",
    description = {
      "Throw the delta DISK away and give its parent DISK's name back.",
      "Everything written to DISK since 'make' is lost: the disk is as it was at the snapshot."
    })
final class DeleteCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DISK",
      description =
          "The delta .vmdk file to throw away, or a VM's .vmx: every disk's delta at once.")
  Path disk;

  @Mixin VmDiskOption vm = new VmDiskOption();

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      return VmCommands.delete(root, spec, disk, vm.disks);
    }
    VmCommands.requireNoDisksNamed(spec, disk, vm.disks);
    DeleteDelta delete = new DeleteDelta(TestHooks.fileOperations(), root.options());
    Report report = new Report(spec);
    if (root.dryRun) {
      report.notePendingJournal(disk);
      DeleteDelta.DeletePlan plan = delete.plan(disk);
      report.dryRun(
          "would delete the delta " + disk + " and restore " + plan.parent().getFileName(),
          plan.warnings(),
          plan.plan());
      return ExitCode.OK;
    }
    InterruptNotice.watch("delete", disk);
    DeleteDelta.DeleteResult result = delete.run(disk);
    report.done(
        result.warnings(),
        disk
            + ": snapshot deleted; "
            + result.restoredFrom().getFileName()
            + " is back as "
            + disk.getFileName());
    return ExitCode.OK;
  }
}
