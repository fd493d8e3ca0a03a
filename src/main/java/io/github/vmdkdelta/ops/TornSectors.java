package io.github.vmdkdelta.ops;

import java.util.Arrays;

/**
 * What a power cut can leave of a write: writes reach the device in whole sectors, so each sector
 * of the range is wholly one of the versions it can have been (old or new bytes, or the zeros of a
 * file just created), never a mix within a sector. Recovery tells by it whether bytes it finds are
 * its own write, whole or torn, or something else's.
 */
final class TornSectors {
  /** The unit of a device write: 512 bytes, the sector of every disk a VMDK lives on. */
  static final int SECTOR = 512;

  private TornSectors() {}

  /**
   * Whether each sector of {@code now}, read from byte {@code offset} of its file, equals the same
   * bytes of one of {@code versions}. Sectors are the file's, not the array's: the range need not
   * start on one.
   */
  static boolean eachSectorOneOf(byte[] now, long offset, byte[]... versions) {
    int at = 0;
    while (at < now.length) {
      int end = (int) Math.min(now.length, at + SECTOR - (offset + at) % SECTOR);
      if (!oneOf(now, at, end, versions)) {
        return false;
      }
      at = end;
    }
    return true;
  }

  private static boolean oneOf(byte[] now, int at, int end, byte[][] versions) {
    for (byte[] version : versions) {
      if (version.length >= end && Arrays.equals(now, at, end, version, at, end)) {
        return true;
      }
    }
    return false;
  }
}
