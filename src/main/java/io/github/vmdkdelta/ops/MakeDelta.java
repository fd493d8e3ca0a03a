package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.Limits;
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
public final class MakeDelta {
  private final SafeFileOperations ops;
  private final RandomGenerator random;
  private final Options options;

  /**
   * @param ops the file layer every change goes through
   * @param random source of the new CID and identity values
   * @param options safety overrides the user asked for
   */
  public MakeDelta(SafeFileOperations ops, RandomGenerator random, Options options) {
    this.ops = ops;
    this.random = random;
    this.options = options;
  }

  /** A make with every safety check on. */
  public MakeDelta(SafeFileOperations ops, RandomGenerator random) {
    this(ops, random, Options.DEFAULT);
  }

  /** What {@code make} will do, checked in full; nothing is changed. */
  public record MakePlan(
      Path disk,
      Path frozen,
      ContentId childCid,
      ContentId parentCid,
      Plan plan,
      List<String> warnings,
      long spaceNeeded)
      implements PlannedOperation {}

  /** What {@code make} did. */
  public record MakeResult(Path disk, Path frozen, ContentId childCid, List<String> warnings) {}

  /**
   * Checks the chain of {@code disk} and plans the steps.
   *
   * @throws io.github.vmdkdelta.vmdk.VmdkException when the chain is damaged, unsupported, broken
   *     or in use, or a name is taken
   */
  public MakePlan plan(Path disk) throws IOException {
    DiskChain chain = DiskChain.open(disk, options.allowParentsOutsideFolder());
    DiskLayer leaf = chain.leaf();
    if (chain.layers().size() >= Limits.MAX_CHAIN_DEPTH) {
      // Every command refuses a chain past the cap: a snapshot past it could not be undone.
      throw new BrokenChainException(
          disk,
          "chain",
          "chain already "
              + chain.layers().size()
              + " disks deep; a snapshot would make it deeper than "
              + Limits.MAX_CHAIN_DEPTH
              + " disks, which no command could then open: commit or delete a snapshot first");
    }
    SafetyChecks safety = new SafetyChecks(options);
    for (DiskLayer layer : chain.layers()) {
      safety.requireUnlocked(layer.path());
    }
    safety.requireVmOff(disk);
    safety.requireNotSymbolicLink(disk);
    for (DiskLayer layer : chain.layers()) {
      SafetyChecks.requireClosedCleanly(layer);
    }
    int mismatch = chain.cidMismatch();
    if (mismatch >= 0) {
      DiskLayer child = chain.layers().get(mismatch);
      DiskLayer parent = chain.layers().get(mismatch + 1);
      throw new BrokenChainException(
          child.path(),
          "parentCID",
          "does not match the parent's CID (parentCID "
              + child.parentCid().orElseThrow()
              + ", "
              + parent.path().getFileName()
              + " has CID "
              + parent.cid()
              + "): the parent was changed after this delta was made");
    }
    DiskNames.requireNameUsableInHint(disk);
    Path frozen = DiskNames.frozenName(disk, chain.ancestors());
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
    MetadataCheck.requireSound(leaf, "make does not freeze a damaged disk");

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

  /**
   * Plans and carries out {@code make} as one transaction: on failure the folder is as it was; if
   * the process dies, the next run (or {@link Recovery}) finishes or undoes it.
   */
  public MakeResult run(Path disk) throws IOException {
    var outcome = Transaction.execute(ops, disk, "make", this::plan);
    MakePlan plan = outcome.planned();
    List<String> warnings = new ArrayList<>(plan.warnings());
    warnings.addAll(outcome.notes());
    return new MakeResult(disk, plan.frozen(), plan.childCid(), warnings);
  }
}
