package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.ParentHint;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
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
 * The chain from a disk towards its base, followed as far as it goes: unlike {@link
 * io.github.vmdkdelta.chain.DiskChain#open}, which refuses a chain with any fault, this keeps the
 * layers it could open and says why it stopped, so that {@code info} can show them and {@code
 * check} can report the fault. Capacities and CIDs are not compared here (the callers compare each
 * link); the rules for following a parent are DiskChain's: the hint resolved relative to the
 * child's folder, no cycle (by file identity), at most {@link Limits#MAX_CHAIN_DEPTH} disks.
 *
 * @param layers the disks opened, leaf first
 * @param stoppedBy why the walk ended before a base disk, if it did
 * @param stoppedAt the file that could not be opened, when that is why it ended
 */
record ChainWalk(
    List<DiskLayer> layers, Optional<VmdkException> stoppedBy, Optional<Path> stoppedAt) {

  /**
   * Follows the chain from {@code leaf}.
   *
   * @throws NoSuchFileException when the leaf does not exist
   * @throws IOException when a file cannot be read (not for a damaged or missing parent)
   */
  static ChainWalk of(Path leaf, boolean allowOutside) throws IOException {
    List<DiskLayer> layers = new ArrayList<>();
    Set<Object> seen = new HashSet<>();
    Path path = leaf;
    while (true) {
      if (!Files.isRegularFile(path)) {
        if (layers.isEmpty()) {
          throw Files.exists(path)
              ? new IOException(path + ": not a regular file")
              : new NoSuchFileException(path.toString());
        }
        DiskLayer child = layers.get(layers.size() - 1);
        return stopped(
            layers,
            new BrokenChainException(
                child.path(),
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
                layers.get(layers.size() - 1).path(),
                "parent",
                "the chain of parents loops back to " + path),
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
        return new ChainWalk(List.copyOf(layers), Optional.empty(), Optional.empty());
      }
      try {
        path = ParentHint.resolve(path, layer.parentHint().get(), allowOutside);
      } catch (BrokenChainException e) {
        return stopped(layers, e, null);
      }
    }
  }

  private static ChainWalk stopped(List<DiskLayer> layers, VmdkException why, Path at) {
    return new ChainWalk(List.copyOf(layers), Optional.of(why), Optional.ofNullable(at));
  }

  /** The file's identity: inode where the platform has one, else its real path. */
  private static Object identity(Path path) throws IOException {
    Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    return key != null ? key : path.toRealPath().toString();
  }
}
