package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The grains a delta holds over a range of the virtual disk, in disk order, read from its grain
 * tables: how every merge walks a delta. Only the tables that cover the range are read, so merging
 * a delta into the thousand extents of a split disk reads each table about once.
 */
public final class DeltaGrains {
  /**
   * One grain the delta holds, cut to the range walked (a grain can straddle its ends when they are
   * not on grain boundaries).
   *
   * @param grain the grain's index in the delta
   * @param state {@code DATA} or {@code ZEROED}
   * @param sector the grain's first sector in the delta's file (a data grain)
   * @param offsetInGrain where the piece starts inside the grain, in bytes
   * @param virtualByte where the piece starts on the virtual disk
   * @param length bytes of the piece
   */
  public record Piece(
      long grain, GrainState state, long sector, int offsetInGrain, long virtualByte, int length) {
    /** True for a zeroed grain: the piece reads as zeros. */
    public boolean zeroed() {
      return state == GrainState.ZEROED;
    }

    /** Where the piece's data starts in the delta's file. */
    public long sourceByte() {
      return sector * Limits.SECTOR_SIZE + offsetInGrain;
    }
  }

  /** Receives the pieces of a walk. */
  @FunctionalInterface
  public interface Visitor {
    void visit(Piece piece) throws IOException;
  }

  /**
   * What a delta holds over a range, every data grain checked to lie inside the delta's file.
   *
   * @param grains grains the delta holds over the range (data and zeroed)
   * @param bytes bytes of the virtual disk they cover inside the range
   * @param firstDataByte the virtual byte where the first data grain starts in the range, or -1
   */
  public record Summary(long grains, long bytes, long firstDataByte) {}

  private DeltaGrains() {}

  /**
   * Refuses a delta whose grains cannot be merged: compressed, or grains too large to buffer.
   *
   * @throws UnsupportedImageException when they cannot
   */
  static void requireMergeable(SparseExtent delta) throws UnsupportedImageException {
    SparseExtentHeader h = delta.header();
    if (h.isStreamOptimized()) {
      throw new UnsupportedImageException(
          delta.path(), "header", "compressed (streamOptimized) deltas cannot be merged");
    }
    SparseExtentWriter.requireBufferableGrains(delta, "merge");
  }

  /**
   * Refuses an extent of the parent, sectors {@code [firstSector, endSector)} of the virtual disk,
   * that lies beyond the delta's capacity.
   *
   * @throws BrokenChainException when it does
   */
  static void requireInside(SparseExtent delta, Path extentFile, long firstSector, long endSector)
      throws BrokenChainException {
    long capacity = delta.header().capacity();
    if (firstSector < 0 || endSector > capacity) {
      throw new BrokenChainException(
          extentFile,
          "capacity",
          "extent lies outside the delta's capacity (sectors "
              + firstSector
              + " to "
              + endSector
              + ", delta has "
              + capacity
              + ")");
    }
  }

  /**
   * Opens the delta to read its grain tables. When its grains are to be read as well, checks first
   * that the file has kept the size it had when it was checked.
   *
   * @throws FileChangedException when it has not
   */
  static FileChannel openTables(SparseExtent delta, boolean grainsRead) throws IOException {
    FileChannel ch = FileChannel.open(delta.path(), StandardOpenOption.READ);
    try {
      if (grainsRead) {
        FileChangedException.requireSize(delta.path(), ch.size(), delta.fileSize());
      }
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  /**
   * Reads the delta's grain tables over {@code [fromByte, toByte)} of the virtual disk and checks
   * each data grain found; reads nothing else.
   *
   * @throws CorruptImageException when a grain lies in the metadata or past the end of the file
   */
  public static Summary check(SparseExtent delta, long fromByte, long toByte) throws IOException {
    Counter counter = new Counter(delta);
    try (FileChannel ch = openTables(delta, false)) {
      forEach(delta, ch, fromByte, toByte, counter);
    }
    return new Summary(counter.grains, counter.bytes, counter.firstDataByte);
  }

  private static final class Counter implements Visitor {
    final SparseExtent delta;
    final long fileSize;
    long grains;
    long bytes;
    long firstDataByte = -1;

    Counter(SparseExtent delta) {
      this.delta = delta;
      this.fileSize = delta.fileSize();
    }

    @Override
    public void visit(Piece p) throws CorruptImageException {
      if (!p.zeroed()) {
        GrainEntries.checkDataGrain(
            delta, fileSize, p.grain(), p.sector(), delta.header().grainLength(p.grain()));
        if (firstDataByte < 0) {
          firstDataByte = p.virtualByte();
        }
      }
      grains++;
      bytes += p.length();
    }
  }

  /**
   * Calls {@code visitor} for each grain the delta holds over {@code [fromByte, toByte)}, in order.
   * Data grains are not checked here: {@link #check} does that before a merge.
   *
   * @param tables the delta's file, open for reading
   */
  public static void forEach(
      SparseExtent delta, FileChannel tables, long fromByte, long toByte, Visitor visitor)
      throws IOException {
    SparseExtentHeader h = delta.header();
    long grainBytes = h.grainSizeBytes();
    long end = Math.min(toByte, h.capacityBytes());
    if (fromByte >= end) {
      return;
    }
    long firstGrain = h.grainAt(fromByte);
    long lastGrain = h.grainAt(end - 1);
    GrainTableReader reader = GrainTableReader.of(delta, tables);
    for (long t = h.tableOf(firstGrain); t <= h.tableOf(lastGrain); t++) {
      if (!delta.grainDirectory().hasTable((int) t)) {
        continue;
      }
      GrainTable table = reader.table((int) t);
      long from = Math.max(firstGrain, h.grainOf(t, 0));
      long to = Math.min(lastGrain, h.grainOf(t, reader.entries() - 1));
      for (long grain = from; grain <= to; grain++) {
        long entry = table.grainSector(h.entryOf(grain));
        GrainState state = GrainEntries.stateOf(h, entry);
        if (state == GrainState.UNALLOCATED) {
          continue;
        }
        long grainStart = grain * grainBytes;
        long start = Math.max(grainStart, fromByte);
        long stop = Math.min(grainStart + grainBytes, end);
        visitor.visit(
            new Piece(
                grain,
                state,
                state == GrainState.DATA ? entry : 0,
                (int) (start - grainStart),
                start,
                (int) (stop - start)));
      }
    }
  }
}
