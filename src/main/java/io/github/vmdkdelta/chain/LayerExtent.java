package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.Extent;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One extent of a disk, resolved: its descriptor line, where it starts in the virtual disk, its
 * file (none for a ZERO extent) and, for a sparse extent, the checked metadata of that file.
 *
 * @param line the extent line of the disk's descriptor
 * @param firstSector the virtual sector the extent starts at (the sum of the ones before it)
 * @param file the extent's file
 * @param sparse the file's metadata when the extent is SPARSE
 */
public record LayerExtent(
    Extent line, long firstSector, Optional<Path> file, Optional<SparseExtent> sparse) {

  /** Size in sectors. */
  public long sectors() {
    return line.sectors();
  }

  /** True for a FLAT extent: raw data in a file, at the line's offset. */
  public boolean isFlat() {
    return line.type().equals("FLAT");
  }

  /** True for a ZERO extent: reads as zeros, has no file. */
  public boolean isZero() {
    return line.type().equals("ZERO");
  }

  /** Where a FLAT extent's data starts in its file, in bytes. */
  public long flatStartByte() {
    return line.offset().orElse(0) * io.github.vmdkdelta.vmdk.Limits.SECTOR_SIZE;
  }
}
