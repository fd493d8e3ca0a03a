package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads and patches the fields of a hosted sparse extent by their offsets in the VMware spec,
 * without the production parser, so that tests can break a file in one precise way: one grain table
 * entry, one directory entry. Offsets and sizes are in sectors of 512 bytes, as in the file.
 */
public final class RawVmdk {
  private final Path file;

  private RawVmdk(Path file) {
    this.file = file;
  }

  /** The file to read or patch. */
  public static RawVmdk of(Path file) {
    return new RawVmdk(file);
  }

  /** Sectors per grain (header offset 20). */
  public long grainSize() throws IOException {
    return u64(20);
  }

  /** Entries per grain table (header offset 44). */
  public int gtesPerGt() throws IOException {
    return (int) u32(44);
  }

  /** Sector of the redundant grain directory (header offset 48). */
  public long rgdOffset() throws IOException {
    return u64(48);
  }

  /** Sector of the grain directory (header offset 56). */
  public long gdOffset() throws IOException {
    return u64(56);
  }

  /** Sectors of metadata before the first grain (header offset 64). */
  public long overHead() throws IOException {
    return u64(64);
  }

  /** Sets the entries per grain table (header offset 44), leaving the file's layout as it is. */
  public void setGtesPerGt(int entries) throws IOException {
    putU32(44, entries);
  }

  /** Sets the sector of the redundant grain directory (header offset 48). */
  public void setRgdOffset(long sector) throws IOException {
    putU64(48, sector);
  }

  /** Grain directory entry {@code i}: the sector of grain table {@code i}. */
  public long gdEntry(int i) throws IOException {
    return u32(gdOffset() * 512 + 4L * i);
  }

  /** Redundant grain directory entry {@code i}. */
  public long rgdEntry(int i) throws IOException {
    return u32(rgdOffset() * 512 + 4L * i);
  }

  /** Sets grain directory entry {@code i}. */
  public void setGdEntry(int i, long sector) throws IOException {
    putU32(gdOffset() * 512 + 4L * i, sector);
  }

  /** Sets redundant grain directory entry {@code i}. */
  public void setRgdEntry(int i, long sector) throws IOException {
    putU32(rgdOffset() * 512 + 4L * i, sector);
  }

  /** The grain table entry of virtual grain {@code grain}, from the grain directory's tables. */
  public long gte(long grain) throws IOException {
    return u32(gteOffset(gdEntry(tableIndex(grain)), grain));
  }

  /** The entry of virtual grain {@code grain} in the redundant tables. */
  public long redundantGte(long grain) throws IOException {
    return u32(gteOffset(rgdEntry(tableIndex(grain)), grain));
  }

  /** Sets the entry of virtual grain {@code grain} in the grain table only. */
  public void setGte(long grain, long sector) throws IOException {
    putU32(gteOffset(gdEntry(tableIndex(grain)), grain), sector);
  }

  /** Sets the entry of virtual grain {@code grain} in the redundant grain table only. */
  public void setRedundantGte(long grain, long sector) throws IOException {
    putU32(gteOffset(rgdEntry(tableIndex(grain)), grain), sector);
  }

  /** Sets the entry of virtual grain {@code grain} in both tables, as a consistent writer would. */
  public void setBothGtes(long grain, long sector) throws IOException {
    setGte(grain, sector);
    setRedundantGte(grain, sector);
  }

  /** The first {@code count} grain directory entries, read at once. */
  public long[] gdEntries(int count) throws IOException {
    return entries(gdOffset(), count);
  }

  /** The first {@code count} redundant grain directory entries, read at once. */
  public long[] rgdEntries(int count) throws IOException {
    return entries(rgdOffset(), count);
  }

  /** Writes the first entries of the grain directory at once. */
  public void setGdEntries(long[] sectors) throws IOException {
    putEntries(gdOffset(), sectors);
  }

  /** Writes the first entries of the redundant grain directory at once. */
  public void setRgdEntries(long[] sectors) throws IOException {
    putEntries(rgdOffset(), sectors);
  }

  private long[] entries(long directorySector, int count) throws IOException {
    ByteBuffer b = read(directorySector * 512, 4 * count);
    long[] result = new long[count];
    for (int i = 0; i < count; i++) {
      result[i] = Integer.toUnsignedLong(b.getInt(4 * i));
    }
    return result;
  }

  private void putEntries(long directorySector, long[] sectors) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * sectors.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long s : sectors) {
      b.putInt((int) s);
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(directorySector * 512);
      f.write(b.array());
    }
  }

  /** Length of the file in sectors (rounded down). */
  public long fileSectors() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      return f.length() / 512;
    }
  }

  /** Extends (or cuts) the file to {@code sectors} sectors. */
  public void setFileSectors(long sectors) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(sectors * 512);
    }
  }

  private int tableIndex(long grain) throws IOException {
    return (int) (grain / gtesPerGt());
  }

  private long gteOffset(long tableSector, long grain) throws IOException {
    if (tableSector == 0) {
      throw new AssertionError(file + ": grain " + grain + " has no grain table");
    }
    return tableSector * 512 + 4 * (grain % gtesPerGt());
  }

  private long u32(long offset) throws IOException {
    return Integer.toUnsignedLong(read(offset, 4).getInt(0));
  }

  private long u64(long offset) throws IOException {
    return read(offset, 8).getLong(0);
  }

  private ByteBuffer read(long offset, int n) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[n];
      f.seek(offset);
      f.readFully(b);
      return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private void putU64(long offset, long value) throws IOException {
    byte[] b = new byte[8];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(b);
    }
  }

  private void putU32(long offset, long value) throws IOException {
    byte[] b = new byte[4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(b);
    }
  }
}
