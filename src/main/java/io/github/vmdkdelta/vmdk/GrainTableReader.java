package io.github.vmdkdelta.vmdk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads the grain tables of one sparse extent: the one place their bytes are decoded. Tables of the
 * grain directory are read by index ({@link #table}), any table by its sector ({@link #readAt}), a
 * directory entry of {@link GrainDirectory#NO_TABLE} giving a table of unallocated grains. The
 * parser checked that every table a directory lists lies inside the file; a file that ends before
 * one is a file that shrank since ({@link FileChangedException}).
 *
 * <p>A reader made by {@link #sequential} reads through a window of {@link #WINDOW_BYTES}: tables
 * laid out one after the other, as every known writer puts them, cost one read per window, not one
 * per table; a window ends where the last table ends, so it never reads the grains after them (a
 * split disk's small extents would each cost a whole window). Tables scattered over the file would
 * make each table cost a whole window, so whole windows stop once four times the tables' own bytes
 * have been read that way; then each table is read alone. A reader made by {@link #of} reads each
 * table alone, every time.
 */
public final class GrainTableReader {
  /** Bytes read at once by a sequential reader: 512 tables of the usual 2 KiB. */
  public static final int WINDOW_BYTES = 1 << 20;

  /** Where the bytes of the tables come from. */
  @FunctionalInterface
  public interface Source {
    /**
     * Fills {@code dst} from {@code position} on.
     *
     * @throws EOFException when the file ends first
     */
    void read(long position, ByteBuffer dst) throws IOException;
  }

  private final SparseExtent extent;
  private final Source source;
  private final int entries;
  private final boolean windowed;
  // Direct for a window: a read into a heap buffer would go through a temporary direct one,
  // copied twice. One table alone is small, and the JDK's cached temporary buffer serves it.
  private final ByteBuffer buffer;
  private final IntBuffer ints;
  private long start = -1;
  private int length;
  private long budget;
  // Where the last table of either directory ends: a window never reads grains past it.
  private final long tablesEnd;

  private GrainTableReader(SparseExtent extent, Source source, boolean windowed) {
    this.extent = extent;
    this.source = source;
    this.entries = extent.header().numGTEsPerGT();
    this.windowed = windowed;
    this.buffer =
        (windowed ? ByteBuffer.allocateDirect(WINDOW_BYTES) : ByteBuffer.allocate(4 * entries))
            .order(ByteOrder.LITTLE_ENDIAN);
    this.ints = buffer.asIntBuffer();
    long tablesBytes = extent.grainDirectory().size() * 4L * entries;
    this.budget = windowed ? 4 * tablesBytes + 2L * WINDOW_BYTES : 0;
    this.tablesEnd = windowed ? tablesEnd(extent) : 0;
  }

  private static long tablesEnd(SparseExtent extent) {
    long last = lastTable(extent.grainDirectory());
    if (extent.redundantGrainDirectory().isPresent()) {
      last = Math.max(last, lastTable(extent.redundantGrainDirectory().get()));
    }
    return (last + extent.header().grainTableSectors()) * Limits.SECTOR_SIZE;
  }

  private static long lastTable(GrainDirectory directory) {
    long last = 0;
    for (int i = 0; i < directory.size(); i++) {
      last = Math.max(last, directory.tableSector(i));
    }
    return last;
  }

  /** A reader of each table alone, from {@code source}. */
  public static GrainTableReader of(SparseExtent extent, Source source) {
    return new GrainTableReader(extent, source, false);
  }

  /** A reader of each table alone, from {@code ch} (the extent's file, open for reading). */
  public static GrainTableReader of(SparseExtent extent, FileChannel ch) {
    return of(extent, sourceOf(ch));
  }

  /**
   * A reader for a walk over the tables of one directory in index order, through a window; the file
   * is only read, not written, while it is in use.
   */
  public static GrainTableReader sequential(SparseExtent extent, FileChannel ch) {
    return sequential(extent, sourceOf(ch));
  }

  /** {@link #sequential(SparseExtent, FileChannel)} from {@code source}. */
  static GrainTableReader sequential(SparseExtent extent, Source source) {
    return new GrainTableReader(extent, source, true);
  }

  private static Source sourceOf(FileChannel ch) {
    return (position, dst) -> {
      long at = position;
      while (dst.hasRemaining()) {
        int n = ch.read(dst, at);
        if (n < 0) {
          throw new EOFException();
        }
        at += n;
      }
    };
  }

  /** Entries in one table. */
  public int entries() {
    return entries;
  }

  /** Table {@code index} of the grain directory. */
  public GrainTable table(int index) throws IOException {
    int[] dst = new int[entries];
    readAt(extent.grainDirectory().tableSector(index), dst);
    return GrainTable.of(dst);
  }

  /**
   * Reads the table at {@code sector} into {@code dst}, one raw entry per grain ({@link
   * Integer#toUnsignedLong} gives the sector); {@link GrainDirectory#NO_TABLE} gives all {@link
   * GrainEntries#UNALLOCATED}.
   */
  public void readAt(long sector, int[] dst) throws IOException {
    if (dst.length != entries) {
      throw new IllegalArgumentException("a table has " + entries + " entries, not " + dst.length);
    }
    if (sector == GrainDirectory.NO_TABLE) {
      Arrays.fill(dst, (int) GrainEntries.UNALLOCATED);
      return;
    }
    long position = sector * Limits.SECTOR_SIZE;
    int bytes = entries * 4;
    if (!windowed || start < 0 || position < start || position + bytes > start + length) {
      fill(position, bytes);
    }
    // Tables start on a sector boundary, so the entries are whole ints of the view.
    ints.get((int) (position - start) / 4, dst);
  }

  private void fill(long position, int bytes) throws IOException {
    length = bytes;
    if (windowed && budget >= WINDOW_BYTES) {
      // The parser checked that every table lies inside the file, so at least `bytes` remain.
      long available = Math.min(extent.fileSize(), tablesEnd) - position;
      length = (int) Math.max(bytes, Math.min(WINDOW_BYTES, available));
      budget -= length;
    }
    buffer.clear().limit(length);
    start = -1;
    try {
      source.read(position, buffer);
    } catch (EOFException e) {
      throw FileChangedException.shrank(extent.path());
    }
    start = position;
  }
}
