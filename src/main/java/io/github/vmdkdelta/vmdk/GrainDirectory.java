package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A grain directory (or its redundant copy): one unsigned 32-bit sector offset of a grain table per
 * entry, 0 for a table not allocated.
 */
public final class GrainDirectory {
  /** The entry of a grain table that is not allocated: all its grains are unallocated. */
  public static final long NO_TABLE = 0;

  private final int[] entries;

  private GrainDirectory(int[] entries) {
    this.entries = entries;
  }

  /**
   * Reads {@code count} entries and checks that every allocated table lies inside the file.
   *
   * @param tableSectors sectors one grain table takes
   * @param fileSize bytes in the file
   * @param what "grain directory" or "redundant grain directory", for messages
   */
  static GrainDirectory parse(
      ByteBuffer buffer, int count, long tableSectors, long fileSize, Path file, String what)
      throws VmdkException {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int[] entries = new int[count];
    for (int i = 0; i < count; i++) {
      entries[i] = b.getInt(i * 4);
      long sector = Integer.toUnsignedLong(entries[i]);
      if (sector != NO_TABLE && (sector + tableSectors) * Limits.SECTOR_SIZE > fileSize) {
        throw new CorruptImageException(
            file,
            what,
            "entry "
                + i
                + " points past the end of the file (sector "
                + sector
                + ", file has "
                + fileSize / Limits.SECTOR_SIZE
                + " sectors)");
      }
    }
    return new GrainDirectory(entries);
  }

  /** Number of entries. */
  public int size() {
    return entries.length;
  }

  /** Sector of grain table {@code index}, {@link #NO_TABLE} when that table is not allocated. */
  public long tableSector(int index) {
    return Integer.toUnsignedLong(entries[index]);
  }

  /** True when grain table {@code index} is allocated. */
  public boolean hasTable(int index) {
    return entries[index] != NO_TABLE;
  }
}
