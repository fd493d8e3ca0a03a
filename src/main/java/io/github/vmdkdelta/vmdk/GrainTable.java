package io.github.vmdkdelta.vmdk;

/**
 * One grain table: per grain, an unsigned 32-bit sector offset, whose meaning {@link GrainEntries}
 * gives.
 */
public final class GrainTable {
  private final int[] entries;

  private GrainTable(int[] entries) {
    this.entries = entries;
  }

  /** The table of these raw entries, read by {@link GrainTableReader}. */
  static GrainTable of(int[] entries) {
    return new GrainTable(entries);
  }

  /** Number of entries. */
  public int size() {
    return entries.length;
  }

  /** The entry of grain {@code index} of the table, as {@link GrainEntries} reads it. */
  public long grainSector(int index) {
    return Integer.toUnsignedLong(entries[index]);
  }
}
