package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta commit DISK}. */
@ExplorerMenu(
    label = "Commit snapshot",
    destructive = true,
    question = "Merge %s into its snapshot, so that the snapshot is gone?")
@Command(
    name = "commit",
    description = {
      "Merge the delta DISK into its parent, which then takes DISK's name.",
      "What the VM sees through DISK does not change; the snapshot (the parent as it was) is gone,"
          + " and the parent gets a new CID. Until commit has finished, DISK holds all its data:"
          + " if it is interrupted, the next vmdk-delta run in the folder rolls the parent back.",
      "On a terminal, a long merge shows its progress on stderr."
    })
final class CommitCommand implements Callable<Integer> {
  /** Where the decision to show progress comes from; tests replace it. */
  static BooleanSupplier stderrIsTerminal = ProgressMeter::stderrIsTerminal;

  /** How long a merge runs before its progress shows; tests set 0. */
  static long progressDelayNanos = ProgressMeter.DEFAULT_DELAY_NANOS;

  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = {"-q", "--quiet"},
      description = "Show no progress.")
  boolean quiet;

  @Parameters(
      paramLabel = "DISK",
      description =
          "The delta .vmdk file to merge into its parent, or a VM's .vmx: every disk's delta at once.")
  Path disk;

  @Mixin VmDiskOption vm = new VmDiskOption();

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      ProgressMeter meter = meter();
      try {
        return VmCommands.commit(
            root, spec, disk, vm.disks, meter == null ? DeltaMerge.Progress.NONE : meter);
      } finally {
        if (meter != null) {
          meter.finish();
        }
      }
    }
    VmCommands.requireNoDisksNamed(spec, disk, vm.disks);
    CommitDelta commit =
        new CommitDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (root.dryRun) {
      Report.notePendingJournal(err, disk);
      CommitDelta.CommitPlan plan = commit.plan(disk);
      plan.warnings().forEach(w -> err.println("vmdk-delta: " + w));
      out.println(
          "would commit the delta "
              + disk
              + " into "
              + plan.parent().getFileName()
              + " ("
              + plan.grains()
              + " grains, "
              + Sizes.human(plan.bytes())
              + "; "
              + Sizes.human(plan.bytesOverwritten())
              + " overwritten in place, "
              + plan.grainsAppended()
              + " grains appended; needs "
              + Sizes.human(plan.spaceNeeded())
              + " free):");
      plan.plan().describe().forEach(line -> out.println("  " + line));
      return ExitCode.OK;
    }
    ProgressMeter meter = meter();
    CommitDelta.CommitResult result;
    InterruptNotice.watch("commit", disk);
    try {
      result = commit.run(disk, meter == null ? DeltaMerge.Progress.NONE : meter);
    } finally {
      if (meter != null) {
        meter.finish();
      }
    }
    result.warnings().forEach(w -> err.println("vmdk-delta: " + w));
    out.println(
        disk
            + ": committed into "
            + result.mergedInto().getFileName()
            + ", which is now "
            + disk.getFileName()
            + " (CID "
            + result.cid()
            + ", "
            + Sizes.human(result.bytes())
            + " merged)");
    return ExitCode.OK;
  }

  /** The progress meter on a terminal, unless --quiet; null for none. */
  private ProgressMeter meter() {
    return quiet || !stderrIsTerminal.getAsBoolean() || root.dryRun
        ? null
        : new ProgressMeter(
            spec.commandLine().getErr(), "commit", System::nanoTime, progressDelayNanos);
  }
}
