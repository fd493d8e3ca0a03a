package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.ContentId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code revert}: throws away what was written to a delta since its snapshot, and keeps the
 * snapshot: the same as {@code delete} then {@code make}, done as one transaction in which the
 * parent is never renamed and the disk's name is only briefly free (and restored by recovery if the
 * process dies then).
 */
public final class RevertDelta extends Operation<RevertDelta.RevertPlan> {
  /**
   * A revert with the user's {@code options}; the arguments are {@link Operation}'s ({@link
   * Options#DEFAULT}: every safety check on).
   */
  public RevertDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    super(Preconditions.REVERT, ops, random, options);
  }

  /**
   * What {@code revert} will do, checked in full; nothing is changed.
   *
   * @param parent the delta's parent, which keeps its name and gets the new delta
   * @param childCid the new delta's CID
   */
  public record RevertPlan(
      Path disk,
      Path parent,
      ContentId childCid,
      Plan plan,
      List<Warning> warnings,
      long spaceNeeded)
      implements PlannedOperation {}

  /** What {@code revert} did. */
  public record RevertResult(Path disk, Path parent, List<Warning> warnings) {}

  @Override
  RevertPlan plan(Path disk, Preconditions.Met met, MetadataCheck metadata) throws IOException {
    // The parent keeps its name: the new delta is made on it as it is.
    DiskLayer parent = met.parent();
    Path staged = DiskNames.newDeltaName(disk);
    DiskNames.requireFree(staged, "it is left from an interrupted vmdk-delta run");
    DiskRename discard = met.deltaSetAside();

    NewDelta child =
        NewDelta.of(
            parent, parent.path().getFileName().toString(), disk.getFileName().toString(), random);
    Path folder = DiskNames.folderOf(disk);
    long spaceNeeded = child.image().writtenBytes();
    met.safety().requireRoom(folder, spaceNeeded);
    List<FileStep> steps = new ArrayList<>();
    steps.add(new FileStep.CreateFile(staged, child.image()));
    steps.addAll(discard.steps());
    steps.add(new FileStep.Rename(staged, disk));
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>(discard.cleanup());
    cleanup.add(new FileStep.SyncFolder(folder));
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "revert");
    return new RevertPlan(
        disk, parent.path(), child.cid(), plan, met.safety().warnings(), spaceNeeded);
  }

  /** Plans and carries out {@code revert} (see {@link Operation#execute}). */
  public RevertResult run(Path disk) throws IOException {
    var outcome = execute(disk);
    return new RevertResult(disk, outcome.planned().parent(), outcome.warnings());
  }
}
