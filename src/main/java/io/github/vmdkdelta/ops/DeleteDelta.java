package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code delete}: throws a delta away and gives its parent the delta's name back, so that whatever
 * refers to the disk by name sees the disk as it was when the delta was made.
 */
public final class DeleteDelta extends Operation<DeleteDelta.DeletePlan> {
  /**
   * A delete with the user's {@code options}; the arguments are {@link Operation}'s ({@link
   * Options#DEFAULT}: every safety check on).
   */
  public DeleteDelta(SafeFileOperations ops, Options options) {
    super(Preconditions.DELETE, ops, null, options);
  }

  /**
   * What {@code delete} will do, checked in full; nothing is changed.
   *
   * @param parent the delta's parent, which takes the disk's name back
   */
  public record DeletePlan(
      Path disk, Path parent, Plan plan, List<Warning> warnings, long spaceNeeded)
      implements PlannedOperation {}

  /**
   * What {@code delete} did.
   *
   * @param restoredFrom the name the parent had until it took the disk's
   */
  public record DeleteResult(Path disk, Path restoredFrom, List<Warning> warnings) {}

  @Override
  DeletePlan plan(Path disk, Preconditions.Met met, MetadataCheck metadata) throws IOException {
    DiskLayer parent = met.parent();
    SafetyChecks safety = met.safety();
    safety.requireNotSymbolicLink(parent.path());
    DiskRename discard = met.deltaSetAside();
    DiskRename restore = DiskRename.of(parent, disk);
    // The delta's own names are free by the time the parent takes them.
    for (Path name : restore.newNames()) {
      if (!name.equals(disk) && !met.leaf().extentFiles().contains(name)) {
        DiskNames.requireFree(name, "delete needs it to give the disk its name back");
      }
    }
    restore.requireNoSymbolicLinks(safety);
    if (restore.rewritesInPlace()) {
      // The rewrite must not land on a grain; make checked the disks it froze, not qemu's.
      metadata.requireSound(parent, "delete does not rewrite a damaged disk in place");
    }
    for (Path file : parent.extentFiles()) {
      safety.requireUnlocked(file);
    }
    Path folder = DiskNames.folderOf(disk);
    long spaceNeeded = parent.descriptor().encode().length;
    safety.requireRoom(folder, spaceNeeded);
    List<FileStep> steps = new ArrayList<>(discard.steps());
    steps.addAll(restore.steps());
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>(discard.cleanup());
    cleanup.addAll(restore.cleanup());
    cleanup.add(new FileStep.SyncFolder(folder));
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "delete");
    return new DeletePlan(disk, parent.path(), plan, safety.warnings(), spaceNeeded);
  }

  /** Plans and carries out {@code delete} (see {@link Operation#execute}). */
  public DeleteResult run(Path disk) throws IOException {
    var outcome = execute(disk);
    return new DeleteResult(disk, outcome.planned().parent(), outcome.warnings());
  }
}
