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
public final class DeleteDelta {
  private final SafeFileOperations ops;
  private final Options options;

  /**
   * @param ops the file layer every change goes through
   * @param options safety overrides the user asked for
   */
  public DeleteDelta(SafeFileOperations ops, Options options) {
    this.ops = ops;
    this.options = options;
  }

  /** A delete with every safety check on. */
  public DeleteDelta(SafeFileOperations ops) {
    this(ops, Options.DEFAULT);
  }

  /** What {@code delete} will do, checked in full; nothing is changed. */
  public record DeletePlan(
      Path disk, Path parent, Plan plan, List<String> warnings, long spaceNeeded)
      implements PlannedOperation {}

  /** What {@code delete} did. */
  public record DeleteResult(Path disk, Path restoredFrom, List<String> warnings) {}

  /**
   * Checks the chain of {@code disk} and plans the steps.
   *
   * @throws io.github.vmdkdelta.vmdk.VmdkException when the disk is no delta, the chain is damaged
   *     or in use, or a name is taken
   */
  public DeletePlan plan(Path disk) throws IOException {
    TopDelta top = TopDelta.open(disk, options, "delete");
    DiskLayer parent = top.parent();
    SafetyChecks safety = new SafetyChecks(options);
    top.requireUnlocked(safety);
    safety.requireNotSymbolicLink(disk);
    safety.requireNotSymbolicLink(parent.path());
    List<String> warnings = new ArrayList<>();
    top.cidWarning("the delta is deleted anyway").ifPresent(warnings::add);
    DiskRename discard = DiskRename.setAside(top.delta());
    discard.requireFree("it is left from an interrupted vmdk-delta run");
    discard.requireNoSymbolicLinks(safety);
    DiskRename restore = DiskRename.of(parent, disk);
    // The delta's own names are free by the time the parent takes them.
    for (Path name : restore.newNames()) {
      if (!name.equals(disk) && !top.delta().extentFiles().contains(name)) {
        DiskNames.requireFree(name, "delete needs it to give the disk its name back");
      }
    }
    restore.requireNoSymbolicLinks(safety);
    if (restore.rewritesInPlace()) {
      // The rewrite must not land on a grain; make checked the disks it froze, not qemu's.
      MetadataCheck.requireSound(parent, "delete does not rewrite a damaged disk in place");
    }
    for (Path file : parent.extentFiles()) {
      safety.requireUnlocked(file);
    }
    Path folder = DiskNames.folderOf(disk);
    long spaceNeeded = parent.descriptor().encode().length;
    safety.requireRoom(folder, spaceNeeded);
    warnings.addAll(safety.warnings());
    List<FileStep> steps = new ArrayList<>(discard.steps());
    steps.addAll(restore.steps());
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>(discard.cleanup());
    cleanup.addAll(restore.cleanup());
    cleanup.add(new FileStep.SyncFolder(folder));
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "delete");
    return new DeletePlan(disk, parent.path(), plan, warnings, spaceNeeded);
  }

  /**
   * Plans and carries out {@code delete} as one transaction: on failure the folder is as it was; if
   * the process dies, the next run (or {@link Recovery}) finishes or undoes it.
   */
  public DeleteResult run(Path disk) throws IOException {
    var outcome = Transaction.execute(ops, disk, "delete", this::plan);
    List<String> warnings = new ArrayList<>(outcome.planned().warnings());
    warnings.addAll(outcome.notes());
    return new DeleteResult(disk, outcome.planned().parent(), warnings);
  }
}
