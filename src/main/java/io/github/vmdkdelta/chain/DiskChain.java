package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Limits;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A disk and its ancestors, leaf first, as {@link ChainWalk} follows them. Opening checks every
 * layer and every link that does not depend on the operation: parents exist, capacities agree, no
 * cycle (by file identity, not name), depth within {@link Limits#MAX_CHAIN_DEPTH}. CID links are
 * reported by {@link #cidMismatch}, since whether a mismatch matters depends on the operation.
 */
public final class DiskChain {
  private final List<DiskLayer> layers;

  private DiskChain(List<DiskLayer> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * Opens the chain that ends in {@code leaf}.
   *
   * @throws NoSuchFileException when the leaf does not exist
   * @throws BrokenChainException when a parent is missing, a capacity differs, or hints loop
   */
  public static DiskChain open(Path leaf) throws IOException {
    return open(leaf, false);
  }

  /**
   * Opens the chain that ends in {@code leaf}; with {@code allowOutside}, parent hints that leave
   * the leaf's folder are followed as well.
   */
  public static DiskChain open(Path leaf, boolean allowOutside) throws IOException {
    ChainWalk walk = ChainWalk.of(leaf, allowOutside);
    List<DiskLayer> layers = walk.layers();
    // A link's fault comes before the walk's stop further down, as the walk met them.
    for (int i = 0; i + 1 < layers.size(); i++) {
      Optional<BrokenChainException> fault = ChainWalk.linkFault(layers.get(i), layers.get(i + 1));
      if (fault.isPresent()) {
        throw fault.get();
      }
    }
    if (walk.stoppedBy().isPresent()) {
      throw walk.stoppedBy().get();
    }
    return new DiskChain(layers);
  }

  /** The layers, leaf first, base last. */
  public List<DiskLayer> layers() {
    return layers;
  }

  /** The disk the chain was opened at. */
  public DiskLayer leaf() {
    return layers.get(0);
  }

  /** The number of ancestors of the leaf. */
  public int ancestors() {
    return layers.size() - 1;
  }

  /**
   * The first link, from the leaf down, whose child's {@code parentCID} differs from its parent's
   * {@code CID}, as the index of the child; -1 when every link matches.
   */
  public int cidMismatch() {
    for (int i = 0; i + 1 < layers.size(); i++) {
      if (CidMismatch.of(layers.get(i), layers.get(i + 1)).isPresent()) {
        return i;
      }
    }
    return -1;
  }

  /** The first link, from the leaf down, whose CIDs do not match, if there is one. */
  public Optional<CidMismatch> firstCidMismatch() {
    int i = cidMismatch();
    return i < 0 ? Optional.empty() : CidMismatch.of(layers.get(i), layers.get(i + 1));
  }
}
