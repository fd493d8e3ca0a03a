package io.github.vmdkdelta.vmdk;

/**
 * The meaning of a grain table entry, the one place it is given: an unsigned 32-bit sector number,
 * where {@link #UNALLOCATED} means the grain is not in this extent and {@link #ZEROED}, when the
 * header's zeroed-grain flag is set, a grain of zeros (the VMware specification, "Grain Table
 * Entries"; qemu {@code block/vmdk.c}, {@code VMDK_GTE_ZEROED}). Any other value is where the
 * grain's data starts, and is checked against the file by {@link #checkDataGrain} before use.
 */
public final class GrainEntries {
  /** The entry of a grain this extent does not hold. */
  public static final long UNALLOCATED = 0;

  /** The entry of a zeroed grain, in an extent whose header allows zeroed-grain entries. */
  public static final long ZEROED = 1;

  private GrainEntries() {}

  /** What {@code entry} means in an extent with this header. */
  public static GrainState stateOf(SparseExtentHeader header, long entry) {
    if (entry == UNALLOCATED) {
      return GrainState.UNALLOCATED;
    }
    if (entry == ZEROED && header.hasZeroedGrainEntries()) {
      return GrainState.ZEROED;
    }
    return GrainState.DATA;
  }

  /**
   * What is wrong with a data grain of grain {@code grain} at {@code sector} in a file of {@code
   * fileSize} bytes, for the {@code length} bytes of it that are read or written: it lies in the
   * metadata or past the end of the file. Null when it lies well.
   */
  public static String misplacement(
      SparseExtentHeader header, long fileSize, long grain, long sector, long length) {
    long overHead = header.overHead();
    if (sector < overHead) {
      return "grain "
          + grain
          + " points into the metadata (sector "
          + sector
          + ", grains start at sector "
          + overHead
          + ")";
    }
    if (sector * Limits.SECTOR_SIZE + length > fileSize) {
      return "grain "
          + grain
          + " lies past the end of the file (sector "
          + sector
          + ", "
          + SparseExtentHeader.ceilDiv(length, Limits.SECTOR_SIZE)
          + " sectors; file has "
          + fileSize / Limits.SECTOR_SIZE
          + " sectors)";
    }
    return null;
  }

  /**
   * Refuses a data grain that lies in the metadata or past the end of the file, as {@link
   * #misplacement} says.
   *
   * @throws CorruptImageException when it does
   */
  public static void checkDataGrain(
      SparseExtent extent, long fileSize, long grain, long sector, long length)
      throws CorruptImageException {
    String problem = misplacement(extent.header(), fileSize, grain, sector, length);
    if (problem != null) {
      throw new CorruptImageException(extent.path(), "grain table", problem);
    }
  }
}
