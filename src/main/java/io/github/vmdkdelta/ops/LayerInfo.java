package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.vmdk.ContentId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code info} shows of one disk of a chain.
 *
 * @param path the file
 * @param delta true for a delta (it names a parent), false for a base disk
 * @param createType the descriptor's {@code createType}
 * @param capacityBytes virtual size in bytes
 * @param grainSizeBytes bytes per grain of its (first) sparse extent; 0 for a flat disk
 * @param cid the descriptor's {@code CID}
 * @param parentCid the descriptor's {@code parentCID}, when it has one (base disks usually carry
 *     {@code ffffffff})
 * @param parentHint the {@code parentFileNameHint} of a delta, decoded
 * @param parentCidMatches for a delta whose parent could be opened, whether {@code parentCID}
 *     equals the parent's {@code CID}; empty otherwise
 * @param capacityMatchesParent for a delta whose parent could be opened, whether both have the same
 *     capacity; empty otherwise
 * @param allocatedGrains grains whose data is stored in this disk's sparse extents
 * @param zeroedGrains grains this disk marks as zeroed (hiding the parent's data)
 * @param allocatedBytes bytes of data stored: allocated grains times their grain size (writers
 *     store whole grains, partial last grain included), plus the whole of every flat extent
 * @param fileSizeBytes length of the disk's files together (descriptor file and extent files)
 * @param uncleanShutdown the header's {@code uncleanShutdown} flag
 * @param lock the VMware lock on the file, if there is one
 * @param frozenAt for a disk with a delta on it, when it was frozen: the newest modification time
 *     of its files. make's last write to a disk it freezes is its extent line (or new descriptor),
 *     and nothing writes to a disk with a delta on it, so the time stays; a disk frozen by another
 *     tool shows the VM's last write to it, which is when the snapshot froze it too
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
    long allocatedBytes,
    long fileSizeBytes,
    boolean uncleanShutdown,
    Optional<VmwareLock> lock,
    Optional<Instant> frozenAt) {

  /** The file name without its folder. */
  public String name() {
    return path.getFileName().toString();
  }
}
