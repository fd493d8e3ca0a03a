package io.github.vmdkdelta.vmdk;

import java.util.List;

/**
 * The bytes of a new sparse file: its length and the regions that hold data. Everything outside the
 * regions reads as zeros and is left as a hole where the file system allows it.
 *
 * @param length file length in bytes
 * @param regions non-overlapping data regions, in order of offset
 */
public record SparseFileImage(long length, List<Region> regions) {
  /** Bytes to write at an offset. */
  public record Region(long offset, byte[] bytes) {}

  public SparseFileImage {
    regions = List.copyOf(regions);
  }

  /** Bytes that are really written (the rest is holes). */
  public long writtenBytes() {
    return regions.stream().mapToLong(r -> r.bytes().length).sum();
  }
}
