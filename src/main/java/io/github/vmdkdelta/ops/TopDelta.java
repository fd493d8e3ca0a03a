package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The delta an operation discards or replaces, with its parent: checked to be a delta whose parent
 * sits in the same folder, since the operations rename only within one folder.
 *
 * @param chain the whole chain, leaf first
 * @param delta the disk named on the command line
 * @param parent its parent
 */
record TopDelta(DiskChain chain, DiskLayer delta, DiskLayer parent) {
  /**
   * Opens {@code disk} for {@code verb}.
   *
   * @throws UnsupportedImageException when it is no delta, or its parent is in another folder
   */
  static TopDelta open(Path disk, Options options, String verb) throws IOException {
    DiskChain chain = DiskChain.open(disk, options.allowParentsOutsideFolder());
    DiskLayer leaf = chain.leaf();
    if (!leaf.isDelta()) {
      throw new UnsupportedImageException(
          disk, verb, "not a delta disk (no parentFileNameHint): there is no snapshot to " + verb);
    }
    DiskLayer parent = chain.layers().get(1);
    if (!DiskNames.folderOf(parent.path()).equals(DiskNames.folderOf(disk))) {
      throw new UnsupportedImageException(
          disk,
          verb,
          "the parent is in another folder ("
              + leaf.parentHint().orElseThrow()
              + "); "
              + verb
              + " only renames files within the disk's folder");
    }
    return new TopDelta(chain, leaf, parent);
  }

  /** A warning when the delta's parentCID does not match its parent, which it discards anyway. */
  Optional<String> cidWarning(String consequence) {
    if (delta.parentCid().orElseThrow().equals(parent.cid())) {
      return Optional.empty();
    }
    return Optional.of(
        "warning: "
            + delta.path().getFileName()
            + ": parentCID "
            + delta.parentCid().orElseThrow()
            + " did not match "
            + parent.path().getFileName()
            + " (CID "
            + parent.cid()
            + "); "
            + consequence);
  }

  /** Refuses when a VMware lock is on any disk of the chain, or the VM using the disk runs. */
  void requireUnlocked(SafetyChecks safety) throws IOException {
    for (DiskLayer layer : chain.layers()) {
      safety.requireUnlocked(layer.path());
    }
    safety.requireVmOff(delta.path());
  }
}
