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

  @Parameters(paramLabel = "DISK", description = "The delta .vmdk file to merge into its parent.")
  Path disk;

  @Mixin JsonOutput output = new JsonOutput();

  /** What a dry run would do, with the merge's sizes. */
  private String headline(CommitDelta.CommitPlan plan) {
    return "would commit the delta "
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
        + " free)";
  }

  @Override
  public Integer call() throws Exception {
    CommitDelta commit =
        new CommitDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    PrintWriter err = spec.commandLine().getErr();
    Report report = new Report(spec, "commit", disk, output);
    if (root.dryRun) {
      report.notePendingJournal(disk);
      CommitDelta.CommitPlan plan = commit.plan(disk);
      report.dryRun(headline(plan), plan.warnings(), plan.plan());
      return ExitCode.OK;
    }
    ProgressMeter meter =
        quiet || !stderrIsTerminal.getAsBoolean()
            ? null
            : new ProgressMeter(err, "commit", System::nanoTime, progressDelayNanos);
    CommitDelta.CommitResult result;
    InterruptNotice.watch("commit", disk);
    try {
      result = commit.run(disk, meter == null ? DeltaMerge.Progress.NONE : meter);
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
    return ExitCode.OK;
  }
}
