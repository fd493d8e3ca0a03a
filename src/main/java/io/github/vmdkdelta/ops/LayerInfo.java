package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.vmdk.ContentId;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code info} shows of one disk of a chain.
 *
 * @param path the file
 * @param delta true for a delta (it names a parent), false for a base disk
 * @param createType the descriptor's {@code createType}
 * @param capacityBytes virtual size in bytes
 * @param grainSizeBytes bytes per grain
 * @param cid the descriptor's {@code CID}
 * @param parentCid the descriptor's {@code parentCID}, when it has one (base disks usually carry
 *     {@code ffffffff})
 * @param parentHint the {@code parentFileNameHint} of a delta, decoded
 * @param parentCidMatches for a delta whose parent could be opened, whether {@code parentCID}
 *     equals the parent's {@code CID}; empty otherwise
 * @param capacityMatchesParent for a delta whose parent could be opened, whether both have the same
 *     capacity; empty otherwise
 * @param allocatedGrains grains whose data is stored in this file
 * @param zeroedGrains grains this file marks as zeroed (hiding the parent's data)
 * @param fileSizeBytes length of the file
 * @param uncleanShutdown the header's {@code uncleanShutdown} flag
 * @param lock the VMware lock on the file, if there is one
 */
public record LayerInfo(
    Path path,
    boolean delta,
    String createType,
    long capacityBytes,
    long grainSizeBytes,
    ContentId cid,
    Optional<ContentId> parentCid,
    Optional<String> parentHint,
    Optional<Boolean> parentCidMatches,
    Optional<Boolean> capacityMatchesParent,
    long allocatedGrains,
    long zeroedGrains,
    long fileSizeBytes,
    boolean uncleanShutdown,
    Optional<VmwareLock> lock) {

  /**
   * Bytes of data stored in this layer: allocated grains times the grain size. Writers store whole
   * grains, so this is what the layer's data takes in the file, partial last grain included.
   */
  public long allocatedBytes() {
    return allocatedGrains * grainSizeBytes;
  }

  /** The file name without its folder. */
  public String name() {
    return path.getFileName().toString();
  }
}
