package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One grain table: per grain, an unsigned 32-bit sector offset. 0 means not allocated here (read
 * the parent, or zeros in a base); 1 means a zeroed grain when the header allows it.
 */
public final class GrainTable {
  private final int[] entries;

  private GrainTable(int[] entries) {
    this.entries = entries;
  }

  static GrainTable parse(ByteBuffer buffer, int count) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int[] entries = new int[count];
    for (int i = 0; i < count; i++) {
      entries[i] = b.getInt(i * 4);
    }
    return new GrainTable(entries);
  }

  /** A table of {@code count} unallocated entries, for a directory entry of 0. */
  static GrainTable empty(int count) {
    return new GrainTable(new int[count]);
  }

  /** Number of entries. */
  public int size() {
    return entries.length;
  }

  /** Sector of grain {@code index}: 0 unallocated, 1 zeroed (version 2), else the data. */
  public long grainSector(int index) {
    return Integer.toUnsignedLong(entries[index]);
  }
}
