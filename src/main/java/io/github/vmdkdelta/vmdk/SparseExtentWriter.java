package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes the grains of a hosted sparse extent the way qemu ({@code block/vmdk.c}, {@code
 * vmdk_L2update}) and VMware do: new grains are appended at the end of the file on a grain
 * boundary, and a grain's entry is set in the grain table and in the redundant grain table. A grain
 * table whose directory entry is 0 is appended when first needed, then both directories point at
 * it.
 *
 * <p>Grain table changes are kept in memory until {@link #flushTables}, so that a caller can write
 * the data of many grains, force it, and only then write the entries that make it visible (the
 * order the VMware specification asks for). Nothing here makes a write safe against a crash: the
 * {@link ExtentFile} decides that. Not safe for use by several threads.
 */
public final class SparseExtentWriter {
  /** A grain table as it is on disk and as it will be. */
  private static final class Table {
    final long sector;
    final long redundantSector;
    final int[] entries;
    final int[] redundantEntries;
    final boolean isNew;
    boolean dirty;

    Table(long sector, long redundantSector, int[] entries, int[] redundantEntries, boolean isNew) {
      this.sector = sector;
      this.redundantSector = redundantSector;
      this.entries = entries;
      this.redundantEntries = redundantEntries;
      this.isNew = isNew;
    }
  }

  private final SparseExtent extent;
  private final SparseExtentHeader header;
  private final ExtentFile file;
  private final GrainTableReader reader;
  private final long originalSize;
  private final int[] directory;
  private final int[] redundantDirectory;
  private final Map<Integer, Table> tables = new TreeMap<>();
  private final List<Integer> newTables = new ArrayList<>();
  private long next;

  /**
   * A writer for {@code extent}, whose bytes {@code file} gives access to.
   *
   * @throws UnsupportedImageException for compressed extents and grains above {@link
   *     Limits#MAX_WRITTEN_GRAIN_SIZE_SECTORS}
   * @throws CorruptImageException when the two grain directories disagree on which tables exist
   */
  public SparseExtentWriter(SparseExtent extent, ExtentFile file) throws IOException {
    this.extent = extent;
    this.header = extent.header();
    this.file = file;
    this.reader = GrainTableReader.of(extent, file::read);
    requireWritable(extent);
    this.originalSize = file.size();
    int count = extent.grainDirectory().size();
    this.directory = new int[count];
    for (int i = 0; i < count; i++) {
      directory[i] = (int) extent.grainDirectory().tableSector(i);
    }
    if (extent.redundantGrainDirectory().isPresent()) {
      GrainDirectory rgd = extent.redundantGrainDirectory().get();
      this.redundantDirectory = new int[count];
      for (int i = 0; i < count; i++) {
        redundantDirectory[i] = (int) rgd.tableSector(i);
        if (rgd.hasTable(i) != extent.grainDirectory().hasTable(i)) {
          throw new CorruptImageException(
              extent.path(),
              "redundant grain directory",
              "entry "
                  + i
                  + " disagrees with the grain directory on whether the table exists ("
                  + rgd.tableSector(i)
                  + ", grain directory has "
                  + extent.grainDirectory().tableSector(i)
                  + ")");
        }
      }
    } else {
      this.redundantDirectory = null;
    }
    long grainBytes = header.grainSizeBytes();
    long start = Math.max(originalSize, header.overHead() * Limits.SECTOR_SIZE);
    this.next = ceilTo(start, grainBytes);
  }

  /** The extent written. */
  public SparseExtent extent() {
    return extent;
  }

  /** Refuses extents this writer cannot change. */
  public static void requireWritable(SparseExtent extent) throws VmdkException {
    SparseExtentHeader h = extent.header();
    if (h.isStreamOptimized()) {
      throw new UnsupportedImageException(
          extent.path(), "header", "compressed (streamOptimized) extents cannot be written");
    }
    if (h.version() >= 3) {
      // Version 3 is VMware's format for compressed, stream-optimized extents; qemu and VMware
      // write other extents as version 1 or 2, so one in version 3 is read, never changed.
      throw new UnsupportedImageException(
          extent.path(),
          "header",
          "version " + h.version() + " extents are only read, never written in place");
    }
    requireBufferableGrains(extent, "write");
  }

  /**
   * Refuses an extent whose grains are too large to buffer whole ({@link
   * Limits#MAX_WRITTEN_GRAIN_SIZE_SECTORS}), for the operation {@code verb} names.
   */
  static void requireBufferableGrains(SparseExtent extent, String verb)
      throws UnsupportedImageException {
    long grainSize = extent.header().grainSize();
    if (grainSize > Limits.MAX_WRITTEN_GRAIN_SIZE_SECTORS) {
      throw new UnsupportedImageException(
          extent.path(),
          "header",
          "grain too large to "
              + verb
              + " ("
              + grainSize
              + " sectors, at most "
              + Limits.MAX_WRITTEN_GRAIN_SIZE_SECTORS
              + "; qemu and VMware write 128)");
    }
  }

  /** The header of the extent. */
  public SparseExtentHeader header() {
    return header;
  }

  /** Length of the file when the writer was made. */
  public long originalSize() {
    return originalSize;
  }

  /** Where the next appended grain or table goes: the length the file will have. */
  public long endOfFile() {
    return next;
  }

  /** What {@code entry} means in this extent ({@link GrainEntries#stateOf}). */
  public GrainState stateOf(long entry) {
    return GrainEntries.stateOf(header, entry);
  }

  /**
   * Checks that the data grain at {@code sector} lies after the metadata and inside the file (as it
   * was, or as grown by this writer), for the {@code length} bytes that will be read or written.
   *
   * @throws CorruptImageException when it does not
   */
  public void checkDataGrain(long grain, long sector, long length) throws CorruptImageException {
    GrainEntries.checkDataGrain(extent, Math.max(originalSize, next), grain, sector, length);
  }

  /** The grain table entry of grain {@code grain} (counting from the start of the disk). */
  public long entry(long grain) throws IOException {
    Table t = table(tableIndex(grain));
    return t == null
        ? GrainEntries.UNALLOCATED
        : Integer.toUnsignedLong(t.entries[header.entryOf(grain)]);
  }

  /**
   * Sets the entry of {@code grain} in both grain tables (in memory until {@link #flushTables}).
   * When its table does not exist yet, it is appended now, on a grain boundary.
   */
  public void setEntry(long grain, long sector) throws IOException {
    if (sector < 0 || sector > Limits.MAX_ENTRY_SECTOR) {
      throw new IllegalArgumentException("sector out of range: " + sector);
    }
    int index = tableIndex(grain);
    Table t = table(index);
    if (t == null) {
      t = appendTable(index);
    }
    t.entries[header.entryOf(grain)] = (int) sector;
    if (t.redundantEntries != null) {
      t.redundantEntries[header.entryOf(grain)] = (int) sector;
    }
    t.dirty = true;
  }

  /**
   * Reserves a new grain at the end of the file and returns its sector; nothing is written.
   *
   * @throws UnsupportedImageException when the grain would lie beyond what a 32-bit entry addresses
   */
  public long allocateGrain() throws VmdkException {
    return allocate(header.grainSizeBytes());
  }

  private long allocate(long bytes) throws VmdkException {
    long sector = next / Limits.SECTOR_SIZE;
    long end = next + bytes;
    if (sector > Limits.MAX_ENTRY_SECTOR
        || end / Limits.SECTOR_SIZE > Limits.MAX_ENTRY_SECTOR + 1) {
      throw new UnsupportedImageException(
          extent.path(),
          "grain table",
          "the file would grow past what grain table entries address (sector "
              + sector
              + ", at most "
              + Limits.MAX_ENTRY_SECTOR
              + ")");
    }
    next = ceilTo(end, header.grainSizeBytes());
    return sector;
  }

  /** Writes grain data (or anything else) through the file, in order. */
  public void write(List<ExtentFile.Region> regions) throws IOException {
    if (!regions.isEmpty()) {
      file.write(regions);
    }
  }

  /** Makes every write so far durable. */
  public void force() throws IOException {
    file.force();
  }

  /** Orders the writes so far before any later one (see {@link ExtentFile#barrier}). */
  public void barrier() throws IOException {
    file.barrier();
  }

  /**
   * Writes the grain tables changed since the last flush (both copies), then a {@link
   * ExtentFile#barrier}, and then, for tables appended since, the directory entries that point at
   * them (and a barrier again). Tables below {@code keepFrom} are then dropped from memory: callers
   * that go through the disk in order never need them again.
   */
  public void flushTables(int keepFrom) throws IOException {
    List<ExtentFile.Region> regions = new ArrayList<>();
    for (Table t : tables.values()) {
      if (t.dirty) {
        regions.add(new ExtentFile.Region(t.sector * Limits.SECTOR_SIZE, bytesOf(t.entries)));
        if (t.redundantEntries != null) {
          regions.add(
              new ExtentFile.Region(
                  t.redundantSector * Limits.SECTOR_SIZE, bytesOf(t.redundantEntries)));
        }
        t.dirty = false;
      }
    }
    if (!regions.isEmpty()) {
      file.write(regions);
      file.barrier();
    }
    if (!newTables.isEmpty()) {
      List<ExtentFile.Region> pointers = new ArrayList<>();
      for (int index : newTables) {
        pointers.add(directoryEntry(header.gdOffset(), index, directory[index]));
        if (redundantDirectory != null) {
          pointers.add(directoryEntry(header.rgdOffset(), index, redundantDirectory[index]));
        }
      }
      newTables.clear();
      file.write(pointers);
      file.barrier();
    }
    tables.keySet().removeIf(i -> i < keepFrom);
  }

  /**
   * Flushes the tables and gives the file its final length (grains appended as holes, or a partial
   * last grain, end inside it), forced.
   */
  public void finish() throws IOException {
    flushTables(Integer.MAX_VALUE);
    if (next > file.size()) {
      file.extend(next);
    }
    file.force();
  }

  /** Index in the grain directory of the table holding {@code grain}. */
  public int tableIndex(long grain) {
    long index = header.tableOf(grain);
    if (grain < 0 || index >= directory.length) {
      throw new IndexOutOfBoundsException("grain " + grain + " beyond the disk");
    }
    return (int) index;
  }

  private Table table(int index) throws IOException {
    Table t = tables.get(index);
    if (t != null || directory[index] == GrainDirectory.NO_TABLE) {
      return t;
    }
    long sector = Integer.toUnsignedLong(directory[index]);
    int[] entries = readTable(sector);
    long redundantSector = 0;
    int[] redundant = null;
    if (redundantDirectory != null) {
      redundantSector = Integer.toUnsignedLong(redundantDirectory[index]);
      redundant = readTable(redundantSector);
    }
    t = new Table(sector, redundantSector, entries, redundant, false);
    tables.put(index, t);
    return t;
  }

  private Table appendTable(int index) throws VmdkException {
    long tableBytes = header.grainTableSectors() * Limits.SECTOR_SIZE;
    long bothBytes = redundantDirectory != null ? 2 * tableBytes : tableBytes;
    long sector = allocate(bothBytes);
    long redundantSector = sector + header.grainTableSectors();
    int n = header.numGTEsPerGT();
    Table t =
        new Table(
            sector,
            redundantSector,
            new int[n],
            redundantDirectory != null ? new int[n] : null,
            true);
    directory[index] = (int) sector;
    if (redundantDirectory != null) {
      redundantDirectory[index] = (int) redundantSector;
    }
    newTables.add(index);
    tables.put(index, t);
    return t;
  }

  private int[] readTable(long sector) throws IOException {
    int[] entries = new int[header.numGTEsPerGT()];
    reader.readAt(sector, entries);
    return entries;
  }

  private static ByteBuffer bytesOf(int[] entries) {
    ByteBuffer b = ByteBuffer.allocate(entries.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < entries.length; i++) {
      b.putInt(i * 4, entries[i]);
    }
    return b;
  }

  private static ExtentFile.Region directoryEntry(long directorySector, int index, int value) {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
    return new ExtentFile.Region(directorySector * Limits.SECTOR_SIZE + 4L * index, b);
  }

  static long ceilTo(long value, long unit) {
    return -Math.floorDiv(-value, unit) * unit;
  }
}
