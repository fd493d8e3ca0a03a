package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.RevertDelta;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;

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
final class RevertCommand extends DiskChange {

  private RevertDelta revert() {
    return new RevertDelta(root.environment.fileOperations(), new SecureRandom(), root.options());
  }

  @Override
  void dryRun(Report report) throws Exception {
    RevertDelta.RevertPlan plan = revert().plan(disk);
    report.dryRun(
        "would revert " + disk + " to its snapshot " + plan.parent().getFileName(),
        plan.warnings(),
        plan.plan());
  }

  @Override
  void run(Report report) throws Exception {
    RevertDelta.RevertResult result = revert().run(disk);
    report.done(
        result.warnings(),
        disk
            + ": reverted to the snapshot in "
            + result.parent().getFileName()
            + "; "
            + disk.getFileName()
            + " is a new, empty delta");
  }

  @Override
  int runOnVm(Path vmx, List<Path> only) throws Exception {
    return VmCommands.revert(this, revert(), vmx, only);
  }
}
