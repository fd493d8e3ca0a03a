package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.ChainWalk;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code info} shows: each disk from {@code disk} down to its base, as far as the chain can be
 * followed. Reading changes nothing, not even an interrupted operation's journal.
 *
 * @param disk the disk asked about
 * @param layers the disks read, leaf first
 * @param stoppedBy why the chain could not be followed to a base disk (a missing or damaged parent,
 *     an unsafe hint, a cycle), if it could not
 * @param journalPending true when the disk's folder holds the journal of an interrupted operation
 */
public record ChainInfo(
    Path disk, List<LayerInfo> layers, Optional<VmdkException> stoppedBy, boolean journalPending) {

  public ChainInfo {
    layers = List.copyOf(layers);
  }

  /** True when every disk down to a base was read. */
  public boolean complete() {
    return stoppedBy.isEmpty();
  }

  /**
   * Reads the chain of {@code disk}. Every grain table of every disk is read once, to count the
   * allocated grains.
   *
   * @param allowParentOutsideFolder follow parent hints that leave the disk's folder
   * @throws NoSuchFileException when {@code disk} does not exist
   * @throws IOException when a file cannot be read; a damaged or missing disk of the chain is not
   *     an exception but {@link #stoppedBy}
   */
  public static ChainInfo read(Path disk, boolean allowParentOutsideFolder) throws IOException {
    ChainWalk walk = ChainWalk.of(disk, allowParentOutsideFolder);
    List<DiskLayer> disks = walk.layers();
    List<LayerInfo> layers = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      DiskLayer d = disks.get(i);
      Optional<DiskLayer> parent =
          d.isDelta() && i + 1 < disks.size() ? Optional.of(disks.get(i + 1)) : Optional.empty();
      DiskUsage usage = DiskUsage.of(d);
      layers.add(
          new LayerInfo(
              d.path(),
              d.isDelta(),
              d.descriptor().createType(),
              d.capacityBytes(),
              usage.grainSizeBytes(),
              d.cid(),
              d.parentCid(),
              d.parentHint(),
              parent.map(p -> p.cid().equals(d.parentCid().orElseThrow())),
              parent.map(p -> p.capacity() == d.capacity()),
              usage.allocatedGrains(),
              usage.zeroedGrains(),
              usage.allocatedBytes(),
              usage.fileSizeBytes(),
              d.uncleanShutdown(),
              VmwareLock.find(d.path()),
              i > 0 ? Optional.of(lastModified(d)) : Optional.empty()));
    }
    return new ChainInfo(disk, layers, walk.stoppedBy(), Recovery.pending(disk));
  }

  /** The newest modification time of a disk's descriptor and extent files. */
  private static Instant lastModified(DiskLayer d) throws IOException {
    Instant newest = Files.getLastModifiedTime(d.path()).toInstant();
    for (Path file : d.extentFiles()) {
      Instant t = Files.getLastModifiedTime(file).toInstant();
      newest = t.isAfter(newest) ? t : newest;
    }
    return newest;
  }
}
