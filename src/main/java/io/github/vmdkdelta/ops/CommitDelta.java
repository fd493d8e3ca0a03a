package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.ByteRewrite;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.DeltaDescriptor;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import io.github.vmdkdelta.vmdk.Descriptor;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
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
 * <p>Crash safety: the merge saves every byte of the parent it overwrites in an undo log (forced)
 * before overwriting it, and appends new grains past the parent's old end; until the renames are
 * done, the delta is untouched and still shows the same data, and an interrupted commit is rolled
 * back from the journal and the undo log.
 */
public final class CommitDelta {
  private final SafeFileOperations ops;
  private final RandomGenerator random;
  private final Options options;
  private final int batchBytes;

  /**
   * @param ops the file layer every change goes through
   * @param random source of the parent's new CID
   * @param options safety overrides the user asked for
   */
  public CommitDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    this(ops, random, options, DeltaMerge.DEFAULT_BATCH_BYTES);
  }

  /** A commit that merges in batches of {@code batchBytes} (tests cut merges into many). */
  CommitDelta(SafeFileOperations ops, RandomGenerator random, Options options, int batchBytes) {
    this.ops = ops;
    this.random = random;
    this.options = options;
    this.batchBytes = batchBytes;
  }

  /** A commit with every safety check on. */
  public CommitDelta(SafeFileOperations ops, RandomGenerator random) {
    this(ops, random, Options.DEFAULT);
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
      List<String> warnings)
      implements Transaction.Planned {}

  /** What {@code commit} did. */
  public record CommitResult(
      Path disk, Path mergedInto, ContentId cid, long bytes, List<String> warnings) {}

  /** Checks the chain of {@code disk} and plans the steps; nothing is changed. */
  public CommitPlan plan(Path disk) throws IOException {
    return plan(disk, DeltaMerge.Progress.NONE);
  }

  private CommitPlan plan(Path disk, DeltaMerge.Progress progress) throws IOException {
    DiskChain chain = DiskChain.open(disk, options.allowParentsOutsideFolder());
    DiskLayer leaf = chain.leaf();
    if (!leaf.isDelta()) {
      throw new UnsupportedImageException(
          disk,
          "commit",
          "not a delta disk (no parentFileNameHint): there is no parent to commit into");
    }
    DiskLayer parent = chain.layers().get(1);
    if (!DiskNames.folderOf(parent.path()).equals(DiskNames.folderOf(disk))) {
      throw new UnsupportedImageException(
          disk,
          "commit",
          "the parent is in another folder ("
              + leaf.parentHint().orElseThrow()
              + "); commit only changes files within the disk's folder");
    }
    SafetyChecks safety = new SafetyChecks(options);
    for (DiskLayer layer : chain.layers()) {
      safety.requireUnlocked(layer.path());
    }
    safety.requireVmOff(disk);
    for (DiskLayer layer : chain.layers()) {
      SafetyChecks.requireClosedCleanly(layer);
    }
    int mismatch = chain.cidMismatch();
    if (mismatch >= 0) {
      DiskLayer child = chain.layers().get(mismatch);
      DiskLayer itsParent = chain.layers().get(mismatch + 1);
      throw new BrokenChainException(
          child.path(),
          "parentCID",
          "does not match the parent's CID (parentCID "
              + child.parentCid().orElseThrow()
              + ", "
              + itsParent.path().getFileName()
              + " has CID "
              + itsParent.cid()
              + "): the parent was changed after this delta was made, committing onto it is"
              + " unsafe");
    }
    safety.requireNotInSnapshotList(parent.path());
    List<Path> chainPaths = chain.layers().stream().map(DiskLayer::path).toList();
    safety.requireNoOtherChildren(disk, chainPaths, "committing it");
    safety.requireNoOtherChildren(
        parent.path(), List.of(disk), "changing its data and its CID by commit");
    Path aside = DiskNames.discardedDeltaName(disk);
    Path undoLog = DiskNames.undoLogName(disk);
    DiskNames.requireFree(aside, "it is left from an interrupted vmdk-delta run");
    DiskNames.requireFree(undoLog, "it is left from an interrupted vmdk-delta run");

    DeltaMerge merge =
        DeltaMerge.check(leaf.extent(), parent.extent(), parent.isDelta())
            .withBatchBytes(batchBytes);
    long parentLength = parent.extent().fileSize();
    DeltaMerge.Result dry;
    long logBytes;
    try (UndoLoggedFile.Measuring measuring = UndoLoggedFile.measure(parent.path(), parentLength)) {
      dry = merge.run(null, measuring, DeltaMerge.Progress.NONE);
      logBytes = measuring.logBytes();
    }
    long spaceNeeded = dry.parentLength() - parentLength + logBytes;

    ContentId cid;
    do {
      cid = ContentId.random(random);
    } while (cid.equals(parent.cid()) || cid.equals(leaf.cid()));
    var charset = parent.descriptor().fileNameCharset(parent.path());
    Descriptor updated =
        DeltaDescriptor.withContentId(parent.descriptor(), cid, random)
            .withExtentFileName(
                0, Descriptor.encodeName(disk.getFileName().toString(), charset, parent.path()));
    ByteRewrite descriptor = parent.extent().descriptorRewrite(updated);

    Path folder = DiskNames.folderOf(disk);
    safety.requireRoom(folder, spaceNeeded);
    List<String> warnings = new ArrayList<>(safety.warnings());
    Plan plan =
        new Plan(
            List.of(
                new FileStep.Merge(disk, parent.path(), undoLog, parentLength, merge, progress),
                new FileStep.Rename(disk, aside),
                new FileStep.Rewrite(parent.path(), descriptor, "CID and extent file name"),
                new FileStep.Rename(parent.path(), disk),
                new FileStep.SyncFolder(folder)),
            List.of(
                new FileStep.Delete(aside),
                new FileStep.Delete(undoLog),
                new FileStep.SyncFolder(folder)));
    return new CommitPlan(
        disk,
        parent.path(),
        cid,
        merge.grains(),
        merge.bytes(),
        dry.bytesOverwritten(),
        dry.grainsAppended(),
        spaceNeeded,
        plan,
        warnings);
  }

  /** {@link #run(Path, DeltaMerge.Progress)} without progress reports. */
  public CommitResult run(Path disk) throws IOException {
    return run(disk, DeltaMerge.Progress.NONE);
  }

  /**
   * Plans and carries out {@code commit} as one transaction: on failure the folder is as it was; if
   * the process dies, the next run (or {@link Recovery}) finishes or undoes it.
   *
   * @param progress told how far the merge is after each batch of grains
   */
  public CommitResult run(Path disk, DeltaMerge.Progress progress) throws IOException {
    var outcome = Transaction.execute(ops, disk, "commit", d -> plan(d, progress));
    CommitPlan plan = outcome.planned();
    List<String> warnings = new ArrayList<>(plan.warnings());
    warnings.addAll(outcome.notes());
    return new CommitResult(disk, plan.parent(), plan.cid(), plan.bytes(), warnings);
  }
}
