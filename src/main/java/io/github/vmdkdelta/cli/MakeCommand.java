package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.MakeDelta;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code vmdk-delta make DISK}. */
@ExplorerMenu(
    label = "Make snapshot",
    destructive = true,
    question = "Make a snapshot of %s (keep it as it is now; new writes go to a new delta)?")
@Command(
    name = "make",
    description = {
      "Freeze DISK and put an empty delta in its place.",
      "DISK is renamed <name>-NNNNNN.vmdk (NNNNNN: how many ancestors it has) and a new delta"
          + " named DISK is created on it, so the VM's .vmx needs no change."
    })
final class MakeCommand extends DiskChange {

  private MakeDelta make() {
    return new MakeDelta(root.environment.fileOperations(), new SecureRandom(), root.options());
  }

  @Override
  void dryRun(Report report) throws Exception {
    MakeDelta.MakePlan plan = make().plan(disk);
    report.dryRun(
        "would make a delta on "
            + disk
            + " (parent "
            + plan.frozen().getFileName()
            + ", CID "
            + plan.parentCid()
            + ")",
        plan.warnings(),
        plan.plan());
  }

  @Override
  void run(Report report) throws Exception {
    MakeDelta.MakeResult result = make().run(disk);
    report.done(
        result.warnings(),
        disk
            + ": snapshot made; the disk as it was is frozen in "
            + result.frozen().getFileName()
            + ", new writes go to "
            + disk.getFileName()
            + " (CID "
            + result.childCid()
            + ")");
  }

  @Override
  int runOnVm(Path vmx, List<Path> only) throws Exception {
    return VmCommands.make(this, make(), vmx, only);
  }
}
