package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.DeleteDelta;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

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
final class DeleteCommand extends DiskChange {

  private DeleteDelta delete() {
    return new DeleteDelta(root.environment.fileOperations(), root.options());
  }

  @Override
  void dryRun(Report report) throws Exception {
    DeleteDelta.DeletePlan plan = delete().plan(disk);
    report.dryRun(
        "would delete the delta " + disk + " and restore " + plan.parent().getFileName(),
        plan.warnings(),
        plan.plan());
  }

  @Override
  void run(Report report) throws Exception {
    DeleteDelta.DeleteResult result = delete().run(disk);
    report.done(
        result.warnings(),
        disk
            + ": snapshot deleted; "
            + result.restoredFrom().getFileName()
            + " is back as "
            + disk.getFileName());
  }

  @Override
  int runOnVm(Path vmx, List<Path> only) throws Exception {
    return VmCommands.delete(this, delete(), vmx, only);
  }
}
