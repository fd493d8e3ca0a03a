package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Limits;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A disk and its ancestors, leaf first, each parent found through the child's {@code
 * parentFileNameHint} relative to the child's folder. Opening checks every layer and every link
 * that does not depend on the operation: parents exist, capacities agree, no cycle (by file
 * identity, not name), depth within {@link Limits#MAX_CHAIN_DEPTH}. CID links are reported by
 * {@link #cidMismatch}, since whether a mismatch matters depends on the operation.
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
    List<DiskLayer> layers = new ArrayList<>();
    Set<Object> seen = new HashSet<>();
    Path path = leaf;
    while (true) {
      if (!Files.isRegularFile(path)) {
        if (layers.isEmpty()) {
          throw Files.exists(path)
              ? new FileSystemException(path.toString(), null, "not a regular file")
              : new NoSuchFileException(path.toString());
        }
        DiskLayer child = layers.get(layers.size() - 1);
        throw new BrokenChainException(
            child.path(),
            "parent",
            "parent disk not found ("
                + path
                + "); it may have been moved or renamed: put it back under this name");
      }
      if (!seen.add(identity(path))) {
        throw new BrokenChainException(
            layers.get(layers.size() - 1).path(),
            "parent",
            "the chain of parents loops back to " + path);
      }
      if (layers.size() == Limits.MAX_CHAIN_DEPTH) {
        throw new BrokenChainException(
            leaf, "chain", "chain deeper than " + Limits.MAX_CHAIN_DEPTH + " disks");
      }
      DiskLayer layer = DiskLayer.open(path);
      if (!layers.isEmpty()) {
        DiskLayer child = layers.get(layers.size() - 1);
        if (child.capacity() != layer.capacity()) {
          throw new BrokenChainException(
              child.path(),
              "parent",
              "capacity differs from the parent's ("
                  + child.capacity()
                  + " sectors, "
                  + layer.path()
                  + " has "
                  + layer.capacity()
                  + ")");
        }
      }
      layers.add(layer);
      if (layer.parentHint().isEmpty()) {
        return new DiskChain(layers);
      }
      path = ParentHint.resolve(path, layer.parentHint().get(), allowOutside);
    }
  }

  /** The file's identity: inode where the platform has one, else its real path. */
  private static Object identity(Path path) throws IOException {
    Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    return key != null ? key : path.toRealPath().toString();
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
      if (!layers.get(i).parentCid().orElseThrow().equals(layers.get(i + 1).cid())) {
        return i;
      }
    }
    return -1;
  }
}
