package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
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
public final class RevertDelta {
  private final SafeFileOperations ops;
  private final RandomGenerator random;
  private final Options options;

  /**
   * @param ops the file layer every change goes through
   * @param random source of the new CID and identity values
   * @param options safety overrides the user asked for
   */
  public RevertDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    this.ops = ops;
    this.random = random;
    this.options = options;
  }

  /** A revert with every safety check on. */
  public RevertDelta(SafeFileOperations ops, RandomGenerator random) {
    this(ops, random, Options.DEFAULT);
  }

  /** What {@code revert} will do, checked in full; nothing is changed. */
  public record RevertPlan(
      Path disk, Path parent, Plan plan, List<String> warnings, long spaceNeeded)
      implements PlannedOperation {}

  /** What {@code revert} did. */
  public record RevertResult(Path disk, Path parent, List<String> warnings) {}

  /**
   * Checks the chain of {@code disk} and plans the steps.
   *
   * @throws io.github.vmdkdelta.vmdk.VmdkException when the disk is no delta, the chain is damaged
   *     or in use, or a name is taken
   */
  public RevertPlan plan(Path disk) throws IOException {
    TopDelta top = TopDelta.open(disk, options, "revert");
    DiskLayer parent = top.parent();
    SafetyChecks safety = new SafetyChecks(options);
    top.requireUnlocked(safety);
    safety.requireNotSymbolicLink(disk);
    List<String> warnings = new ArrayList<>();
    top.cidWarning("the new delta links to the parent as it is now").ifPresent(warnings::add);
    Path staged = DiskNames.newDeltaName(disk);
    DiskNames.requireFree(staged, "it is left from an interrupted vmdk-delta run");
    DiskRename discard = DiskRename.setAside(top.delta());
    discard.requireFree("it is left from an interrupted vmdk-delta run");
    discard.requireNoSymbolicLinks(safety);

    NewDelta child =
        NewDelta.of(
            parent, parent.path().getFileName().toString(), disk.getFileName().toString(), random);
    Path folder = DiskNames.folderOf(disk);
    long spaceNeeded = child.image().writtenBytes();
    safety.requireRoom(folder, spaceNeeded);
    warnings.addAll(safety.warnings());
    List<FileStep> steps = new ArrayList<>();
    steps.add(new FileStep.CreateFile(staged, child.image()));
    steps.addAll(discard.steps());
    steps.add(new FileStep.Rename(staged, disk));
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>(discard.cleanup());
    cleanup.add(new FileStep.SyncFolder(folder));
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "revert");
    return new RevertPlan(disk, parent.path(), plan, warnings, spaceNeeded);
  }

  /**
   * Plans and carries out {@code revert} as one transaction: on failure the folder is as it was; if
   * the process dies, the next run (or {@link Recovery}) finishes or undoes it.
   */
  public RevertResult run(Path disk) throws IOException {
    var outcome = Transaction.execute(ops, disk, "revert", this::plan);
    List<String> warnings = new ArrayList<>(outcome.planned().warnings());
    warnings.addAll(outcome.notes());
    return new RevertResult(disk, outcome.planned().parent(), warnings);
  }
}
