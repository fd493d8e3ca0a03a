package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one walk from a disk towards its base: each parent found through the child's {@code
 * parentFileNameHint} relative to the child's folder, no cycle (by file identity, not name), at
 * most {@link Limits#MAX_CHAIN_DEPTH} disks. It keeps the layers it could open and says why it
 * stopped, so that {@code info} can show them and {@code check} report the fault; {@link
 * DiskChain#open} refuses a walk that stopped, or any link of it that {@link #linkFault} finds.
 *
 * @param layers the disks opened, leaf first
 * @param stoppedBy why the walk ended before a base disk, if it did
 * @param stoppedAt the file that could not be opened, when that is why it ended
 */
public record ChainWalk(
    List<DiskLayer> layers, Optional<VmdkException> stoppedBy, Optional<Path> stoppedAt) {

  public ChainWalk {
    layers = List.copyOf(layers);
  }

  /**
   * Follows the chain from {@code leaf}; with {@code allowOutside}, parent hints that leave the
   * leaf's folder are followed as well.
   *
   * @throws NoSuchFileException when the leaf does not exist
   * @throws IOException when a file cannot be read (not for a damaged or missing parent)
   */
  public static ChainWalk of(Path leaf, boolean allowOutside) throws IOException {
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
        return stopped(
            layers,
            new BrokenChainException(
                last(layers).path(),
                "parent",
                "parent disk not found ("
                    + path
                    + "); it may have been moved or renamed: put it back under this name"),
            null);
      }
      if (!seen.add(identity(path))) {
        return stopped(
            layers,
            new BrokenChainException(
                last(layers).path(), "parent", "the chain of parents loops back to " + path),
            null);
      }
      if (layers.size() == Limits.MAX_CHAIN_DEPTH) {
        return stopped(
            layers,
            new BrokenChainException(
                leaf, "chain", "chain deeper than " + Limits.MAX_CHAIN_DEPTH + " disks"),
            null);
      }
      DiskLayer layer;
      try {
        layer = DiskLayer.open(path);
      } catch (VmdkException e) {
        return stopped(layers, e, path);
      }
      layers.add(layer);
      if (layer.parentHint().isEmpty()) {
        return new ChainWalk(layers, Optional.empty(), Optional.empty());
      }
      try {
        path = ParentHint.resolve(path, layer.parentHint().get(), allowOutside);
      } catch (BrokenChainException e) {
        return stopped(layers, e, null);
      }
    }
  }

  /**
   * What is wrong with the link from {@code child} to {@code parent} whatever the operation: the
   * capacities differ. (CID links are {@link CidMismatch}: whether one matters depends on the
   * operation.)
   */
  public static Optional<BrokenChainException> linkFault(DiskLayer child, DiskLayer parent) {
    if (child.capacity() == parent.capacity()) {
      return Optional.empty();
    }
    return Optional.of(
        new BrokenChainException(
            child.path(),
            "parent",
            "capacity differs from the parent's ("
                + child.capacity()
                + " sectors, "
                + parent.path()
                + " has "
                + parent.capacity()
                + ")"));
  }

  private static ChainWalk stopped(List<DiskLayer> layers, VmdkException why, Path at) {
    return new ChainWalk(layers, Optional.of(why), Optional.ofNullable(at));
  }

  private static DiskLayer last(List<DiskLayer> layers) {
    return layers.get(layers.size() - 1);
  }

  /** The file's identity: inode where the platform has one, else its real path. */
  private static Object identity(Path path) throws IOException {
    Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    return key != null ? key : path.toRealPath().toString();
  }
}
