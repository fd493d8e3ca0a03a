package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.MakeDelta;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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
final class MakeCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DISK",
      description = "The .vmdk file to snapshot, or a VM's .vmx: every disk of the VM at once.")
  Path disk;

  @Mixin VmDiskOption vm = new VmDiskOption();

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      return VmCommands.make(root, spec, disk, vm.disks);
    }
    VmCommands.requireNoDisksNamed(spec, disk, vm.disks);
    MakeDelta make = new MakeDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    Report report = new Report(spec);
    if (root.dryRun) {
      report.notePendingJournal(disk);
      MakeDelta.MakePlan plan = make.plan(disk);
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
      return ExitCode.OK;
    }
    InterruptNotice.watch("make", disk);
    MakeDelta.MakeResult result = make.run(disk);
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
    return ExitCode.OK;
  }
}
