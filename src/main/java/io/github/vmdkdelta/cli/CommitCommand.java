package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class CommitCommand extends DiskChange {
  CommitCommand() {
    super(new String[] {"-q", "--quiet"});
  }

  @Option(
      names = {"-q", "--quiet"},
      description = "Show no progress.")
  void quiet(boolean on) {
    set("--quiet", on);
  }

  private CommitDelta commit() {
    return new CommitDelta(root.environment.fileOperations(), new SecureRandom(), root.options());
  }

  @Override
  void dryRun(Report report) throws Exception {
    CommitDelta.CommitPlan plan = commit().plan(disk);
    report.dryRun(
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
            + " free)",
        plan.warnings(),
        plan.plan());
  }

  @Override
  void run(Report report) throws Exception {
    PrintWriter err = err();
    ProgressMeter meter = meter();
    CommitDelta.CommitResult result;
    try {
      result = commit().run(disk, meter == null ? DeltaMerge.Progress.NONE : meter);
    } finally {
      if (meter != null) {
        meter.finish();
      }
    }
    report.done(
        result.warnings(),
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
  }

  /** The progress meter on a terminal, unless --quiet; null for none. */
  private ProgressMeter meter() {
    Environment environment = root.environment;
    return has("--quiet") || !environment.stderrIsTerminal() || root.has(GlobalOption.DRY_RUN)
        ? null
        : new ProgressMeter(
            err(), "commit", environment::nanoTime, environment.progressDelayNanos());
  }

  @Override
  int runOnVm(Path vmx, List<Path> only) throws Exception {
    ProgressMeter meter = meter();
    try {
      return VmCommands.commit(
          this, commit(), vmx, only, meter == null ? DeltaMerge.Progress.NONE : meter);
    } finally {
      if (meter != null) {
        meter.finish();
      }
    }
  }
}
