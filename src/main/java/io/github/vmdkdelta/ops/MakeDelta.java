package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code make}: freezes a disk under the name {@code <stem>-NNNNNN<ext>} and puts a new, empty
 * delta on it under the disk's own name, so that whatever refers to the disk by name now writes to
 * the delta.
 */
public final class MakeDelta extends Operation<MakeDelta.MakePlan> {
  /**
   * A make with the user's {@code options}; the arguments are {@link Operation}'s ({@link
   * Options#DEFAULT}: every safety check on).
   */
  public MakeDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    super(Preconditions.MAKE, ops, random, options);
  }

  /** What {@code make} will do, checked in full; nothing is changed. */
  public record MakePlan(
      Path disk,
      Path frozen,
      ContentId childCid,
      ContentId parentCid,
      Plan plan,
      List<Warning> warnings,
      long spaceNeeded)
      implements PlannedOperation {}

  /** What {@code make} did. */
  public record MakeResult(Path disk, Path frozen, ContentId childCid, List<Warning> warnings) {}

  @Override
  MakePlan plan(Path disk, Preconditions.Met met, MetadataCheck metadata) throws IOException {
    DiskLayer leaf = met.leaf();
    SafetyChecks safety = met.safety();
    DiskNames.requireNameUsableInHint(disk);
    Path frozen = DiskNames.frozenName(disk, met.chain().ancestors());
    Path staged = DiskNames.newDeltaName(disk);
    DiskNames.requireFree(frozen, "make needs it for the frozen disk");
    DiskNames.requireFree(staged, "it is left from an interrupted vmdk-delta run");
    if (leaf.isMonolithic() && DiskRename.extentLineNames(leaf, frozen)) {
      throw new UnsupportedImageException(
          disk,
          "extent line",
          "names "
              + frozen.getFileName()
              + ", the name the disk would be frozen under, so delete could not tell what the"
              + " line was before; rename the disk first");
    }
    DiskRename freeze = DiskRename.of(leaf, frozen);
    for (Path name : freeze.newNames()) {
      DiskNames.requireNotTooLong(name, disk);
    }
    freeze.requireFree("make needs it for the frozen disk");
    freeze.requireNoSymbolicLinks(safety);
    for (Path file : leaf.extentFiles()) {
      safety.requireUnlocked(file);
    }
    safety.requireUnlocked(frozen);
    // The only check that reads every grain table. The parents are not scanned: make neither
    // writes nor renames them, and every command checks their headers and directories.
    metadata.requireSound(leaf, "make does not freeze a damaged disk");

    String frozenName = frozen.getFileName().toString();
    NewDelta child = NewDelta.of(leaf, frozenName, disk.getFileName().toString(), random);

    Path folder = DiskNames.folderOf(disk);
    long spaceNeeded = child.image().writtenBytes() + leaf.descriptor().encode().length;
    safety.requireRoom(folder, spaceNeeded);
    List<FileStep> steps = new ArrayList<>();
    steps.add(new FileStep.CreateFile(staged, child.image()));
    steps.addAll(freeze.steps());
    steps.add(new FileStep.Rename(staged, disk));
    steps.add(new FileStep.SyncFolder(folder));
    List<FileStep> cleanup = new ArrayList<>(freeze.cleanup());
    if (!cleanup.isEmpty()) {
      cleanup.add(new FileStep.SyncFolder(folder));
    }
    Plan plan = new Plan(steps, cleanup);
    Dependents.requireNone(plan, "make");
    return new MakePlan(
        disk, frozen, child.cid(), leaf.cid(), plan, safety.warnings(), spaceNeeded);
  }

  /** Plans and carries out {@code make} (see {@link Operation#execute}). */
  public MakeResult run(Path disk) throws IOException {
    var outcome = execute(disk);
    MakePlan plan = outcome.planned();
    return new MakeResult(disk, plan.frozen(), plan.childCid(), outcome.warnings());
  }
}
