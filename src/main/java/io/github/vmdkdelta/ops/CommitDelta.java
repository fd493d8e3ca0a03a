package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.DeltaDescriptor;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import io.github.vmdkdelta.vmdk.FlatMerge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code commit}: merges a delta into its parent and gives the parent the delta's name, so that
 * whatever refers to the disk by name sees the same data as before, now in one layer less. The
 * parent gets a new CID, since its data changed; another delta of it would break, so commit refuses
 * when there is one.
 *
 * <p>The parent may be monolithicSparse, split or flat: each of its files the delta has grains over
 * is merged into on its own ({@link MergeTarget}), and a split or flat parent's extent files take
 * the delta's stem along with its name ({@link DiskRename}).
 *
 * <p>Crash safety: the merge saves every byte of the parent it overwrites in an undo log (forced,
 * one per file merged into) before overwriting it, and appends new grains past the file's old end;
 * until the renames are done, the delta is untouched and still shows the same data, and an
 * interrupted commit is rolled back from the journal and the undo logs.
 */
public final class CommitDelta extends Operation<CommitDelta.CommitPlan> {
  private final int batchBytes;

  /**
   * A commit with the user's {@code options}; the arguments are {@link Operation}'s ({@link
   * Options#DEFAULT}: every safety check on).
   */
  public CommitDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    this(ops, random, options, DeltaMerge.DEFAULT_BATCH_BYTES);
  }

  /** A commit that merges in batches of {@code batchBytes} (tests cut merges into many). */
  CommitDelta(SafeFileOperations ops, RandomGenerator random, Options options, int batchBytes) {
    super(Preconditions.COMMIT, ops, random, options);
    this.batchBytes = batchBytes;
  }

  /**
   * What {@code commit} will do, checked in full; nothing is changed.
   *
   * @param disk the delta
   * @param parent the disk it is merged into, which will take its name
   * @param cid the parent's new CID
   * @param grains grains the delta holds
   * @param bytes bytes of the virtual disk they cover
   * @param bytesOverwritten bytes of parent grains overwritten in place (saved first)
   * @param grainsAppended grains appended to the parent
   * @param spaceNeeded bytes the merge may add to the folder: appended grains and the undo log
   */
  public record CommitPlan(
      Path disk,
      Path parent,
      ContentId cid,
      long grains,
      long bytes,
      long bytesOverwritten,
      long grainsAppended,
      long spaceNeeded,
      Plan plan,
      List<Warning> warnings)
      implements PlannedOperation {}

  /** What {@code commit} did. */
  public record CommitResult(
      Path disk, Path mergedInto, ContentId cid, long bytes, List<Warning> warnings) {}

  @Override
  CommitPlan plan(Path disk, Preconditions.Met met, MetadataCheck metadata) throws IOException {
    return plan(disk, met, DeltaMerge.Progress.NONE);
  }

  /** {@link #plan(Path)}, its merge steps telling {@code progress} how far they are. */
  CommitPlan plan(Path disk, DeltaMerge.Progress progress) throws IOException {
    return plan(disk, preconditionsOf(disk), progress);
  }

  private CommitPlan plan(Path disk, Preconditions.Met met, DeltaMerge.Progress progress)
      throws IOException {
    DiskLayer leaf = met.leaf();
    DiskLayer parent = met.parent();
    SafetyChecks safety = met.safety();
    for (Path file : parent.extentFiles()) {
      safety.requireUnlocked(file);
    }
    Path aside = DiskNames.discardedDeltaName(disk);
    DiskNames.requireFree(aside, "it is left from an interrupted vmdk-delta run");

    Merges merges = planMerges(disk, parent, MergeTarget.of(leaf, parent, batchBytes), progress);
    for (MergeTarget target : merges.targets()) {
      safety.requireNotSymbolicLink(target.file());
    }
    long spaceNeeded = merges.spaceNeeded();

    ContentId cid;
    do {
      cid = ContentId.random(random);
    } while (cid.equals(parent.cid()) || cid.equals(leaf.cid()));
    DiskRename rename =
        DiskRename.withDescriptor(
            parent, disk, DeltaDescriptor.withContentId(parent.descriptor(), cid, random));
    // The delta is set aside before the parent takes its name.
    for (Path name : rename.newNames()) {
      if (!name.equals(disk)) {
        DiskNames.requireFree(name, "commit needs it to give the parent the disk's name");
      }
    }
    rename.requireNoSymbolicLinks(safety);
    if (!parent.isMonolithic()) {
      spaceNeeded += parent.descriptor().encode().length;
    }

    Path folder = DiskNames.folderOf(disk);
    safety.requireRoom(folder, spaceNeeded);
    List<FileStep> steps = new ArrayList<>(merges.steps());
    steps.add(new FileStep.Rename(disk, aside));
    steps.addAll(rename.steps());
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>();
    cleanup.add(new FileStep.Delete(aside));
    cleanup.addAll(rename.cleanup());
    merges.undoLogs().forEach(log -> cleanup.add(new FileStep.Delete(log)));
    cleanup.add(new FileStep.SyncFolder(folder));
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "commit");
    return new CommitPlan(
        disk,
        parent.path(),
        cid,
        merges.dryRun().grains(),
        merges.dryRun().bytes(),
        merges.dryRun().bytesOverwritten(),
        merges.dryRun().grainsAppended(),
        spaceNeeded,
        plan,
        safety.warnings());
  }

  /**
   * The merge steps of a commit, one per file of the parent it changes, and what they need.
   *
   * @param dryRun what the merges would do, summed
   * @param spaceNeeded bytes they may add to the folder: grains and tables appended, undo logs
   */
  private record Merges(
      List<MergeTarget> targets,
      List<FileStep> steps,
      List<Path> undoLogs,
      DeltaMerge.Result dryRun,
      long spaceNeeded) {}

  /** Plans a merge step per target, each with its undo log, and runs each dry to measure it. */
  private static Merges planMerges(
      Path disk, DiskLayer parent, List<MergeTarget> targets, DeltaMerge.Progress progress)
      throws IOException {
    long total = targets.stream().mapToLong(t -> t.merge().bytes()).sum();
    List<FileStep> steps = new ArrayList<>();
    List<Path> undoLogs = new ArrayList<>();
    DeltaMerge.Result sum = new DeltaMerge.Result(0, 0, 0, 0, 0);
    long spaceNeeded = 0;
    for (MergeTarget target : targets) {
      // A monolithic parent's undo log keeps the name it has always had.
      Path undoLog = DiskNames.undoLogName(parent.isMonolithic() ? disk : target.file());
      DiskNames.requireFree(undoLog, "it is left from an interrupted vmdk-delta run");
      long length = Files.size(target.file());
      DeltaMerge.Result dry;
      try (UndoLoggedFile.Measuring measuring = UndoLoggedFile.measure(target.file(), length)) {
        dry = target.merge().run(null, measuring, DeltaMerge.Progress.NONE);
        spaceNeeded += dry.parentLength() - length + measuring.logBytes();
      }
      if (target.merge() instanceof FlatMerge) {
        // A flat file may have holes (qemu-img makes it so): what is written into them takes room.
        spaceNeeded += dry.bytesOverwritten();
      }
      // Each merge reports its own bytes; the user sees the whole commit's.
      long mergedBefore = sum.bytes();
      DeltaMerge.Progress part = (done, all) -> progress.update(mergedBefore + done, total);
      steps.add(new FileStep.Merge(disk, target.file(), undoLog, length, target.merge(), part));
      undoLogs.add(undoLog);
      sum =
          new DeltaMerge.Result(
              sum.grains() + dry.grains(),
              sum.bytes() + dry.bytes(),
              sum.bytesOverwritten() + dry.bytesOverwritten(),
              sum.grainsAppended() + dry.grainsAppended(),
              0);
    }
    return new Merges(targets, steps, undoLogs, sum, spaceNeeded);
  }

  /** {@link #run(Path, DeltaMerge.Progress)} without progress reports. */
  public CommitResult run(Path disk) throws IOException {
    return run(disk, DeltaMerge.Progress.NONE);
  }

  /**
   * Plans and carries out {@code commit} (see {@link Operation#execute}).
   *
   * @param progress told how far the merge is after each batch of grains
   */
  public CommitResult run(Path disk, DeltaMerge.Progress progress) throws IOException {
    var outcome = execute(disk, (d, metadata) -> plan(d, preconditionsOf(d), progress));
    CommitPlan plan = outcome.planned();
    return new CommitResult(disk, plan.parent(), plan.cid(), plan.bytes(), outcome.warnings());
  }
}
