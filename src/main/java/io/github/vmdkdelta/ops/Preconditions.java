package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.CidMismatch;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an operation needs of the disk it is run on and of the disk's chain before it plans a step,
 * stated once per operation and checked in one order for all: the chain opens ({@link DiskChain});
 * it has room for one more layer, if the operation adds one; the disk is a delta (monolithicSparse,
 * if the operation merges it) whose parent is in its folder, if the operation needs one; no disk of
 * the chain is locked and the VM using the disk is off; the disk is no symbolic link; every disk of
 * the chain was closed cleanly, if the operation builds on the chain's data; the CID links match,
 * or, for an operation that throws the delta away, a mismatch of the delta's own link is a warning.
 *
 * @param verb the operation, as messages name it
 * @param addsLayer it puts a new delta on the chain ({@code make})
 * @param delta it needs a delta whose parent is in the disk's folder
 * @param monolithicDelta that delta must be monolithicSparse ({@code commit} merges it)
 * @param closedCleanly every disk of the chain must have been closed cleanly
 * @param discardsDelta it throws the delta away, so that a mismatch of its own CID link is only a
 *     warning
 */
record Preconditions(
    String verb,
    boolean addsLayer,
    boolean delta,
    boolean monolithicDelta,
    boolean closedCleanly,
    boolean discardsDelta) {

  static final Preconditions MAKE = new Preconditions("make", true, false, false, true, false);
  static final Preconditions COMMIT = new Preconditions("commit", false, true, true, true, false);
  static final Preconditions DELETE = new Preconditions("delete", false, true, false, false, true);
  static final Preconditions REVERT = new Preconditions("revert", false, true, false, false, true);

  /**
   * The chain of a disk that met the preconditions.
   *
   * @param chain the chain, leaf first
   * @param safety the checks made, holding their warnings; the operation goes on with it
   */
  record Met(DiskChain chain, SafetyChecks safety) {
    /** The disk the operation was run on. */
    DiskLayer leaf() {
      return chain.leaf();
    }

    /** Its parent; only for an operation that needs a delta. */
    DiskLayer parent() {
      return chain.layers().get(1);
    }

    /**
     * The renames that set the delta aside, for an operation that throws it away, checked: the
     * hidden names are free and no file renamed is a symbolic link.
     */
    DiskRename deltaSetAside() throws IOException {
      DiskRename discard = DiskRename.setAside(leaf());
      discard.requireFree("it is left from an interrupted vmdk-delta run");
      discard.requireNoSymbolicLinks(safety);
      return discard;
    }
  }

  /**
   * Checks {@code disk} and its chain.
   *
   * @throws io.github.vmdkdelta.vmdk.VmdkException naming the first precondition not met
   */
  Met check(Path disk, Options options) throws IOException {
    DiskChain chain = DiskChain.open(disk, options.allowParentsOutsideFolder());
    if (addsLayer && chain.layers().size() >= Limits.MAX_CHAIN_DEPTH) {
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
    if (delta) {
      requireDeltaInFolder(disk, chain);
    }
    SafetyChecks safety = new SafetyChecks(options);
    for (DiskLayer layer : chain.layers()) {
      safety.requireUnlocked(layer.path());
    }
    safety.requireVmOff(disk);
    safety.requireNotSymbolicLink(disk);
    if (closedCleanly) {
      for (DiskLayer layer : chain.layers()) {
        SafetyChecks.requireClosedCleanly(layer);
      }
    }
    Optional<CidMismatch> mismatch =
        discardsDelta
            ? CidMismatch.of(chain.leaf(), chain.layers().get(1))
            : chain.firstCidMismatch();
    if (mismatch.isPresent()) {
      if (!discardsDelta) {
        throw mismatch.get().refusal();
      }
      safety.warn(new Warning.CidMismatchDiscarded(mismatch.get(), verb));
    }
    return new Met(chain, safety);
  }

  private void requireDeltaInFolder(Path disk, DiskChain chain) throws IOException {
    DiskLayer leaf = chain.leaf();
    if (!leaf.isDelta()) {
      throw new UnsupportedImageException(
          disk, verb, "not a delta disk (no parentFileNameHint): there is no snapshot to " + verb);
    }
    if (monolithicDelta && !leaf.isMonolithic()) {
      throw new UnsupportedImageException(
          disk,
          "descriptor",
          "the delta is a "
              + leaf.descriptor().createType()
              + " disk; "
              + verb
              + " only merges monolithicSparse deltas (as vmdk-delta make and qemu-img create -b"
              + " make them)");
    }
    if (!DiskNames.folderOf(chain.layers().get(1).path()).equals(DiskNames.folderOf(disk))) {
      throw new UnsupportedImageException(
          disk,
          verb,
          "the parent is in another folder ("
              + leaf.parentHint().orElseThrow()
              + "); "
              + verb
              + " only changes files within the disk's folder");
    }
  }
}
