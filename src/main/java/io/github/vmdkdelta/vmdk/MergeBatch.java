package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The batches both merges ({@link DeltaMerge}, {@link FlatMerge}) write in: the delta's grains in
 * disk order, each copied to a byte offset of the target file or written there as zeros, about
 * {@code batchBytes} of grain data at a time. Grains adjacent in the delta and in the target are
 * read in one read and written in one write. A merge adds its pieces, asks {@link #isFull} before
 * each, and {@link #flush}es with what makes a batch durable in its file.
 */
final class MergeBatch {
  /** Pieces per batch at most, whatever their kind, so that the list of one batch stays small. */
  static final int MAX_PIECES = 1 << 16;

  /** Writes the regions of one batch, in order, and makes them durable the way its file needs. */
  @FunctionalInterface
  interface Sink {
    void write(List<ExtentFile.Region> regions) throws IOException;
  }

  /** Bytes of the delta to copy, or zeros when {@code source} is -1. */
  private record Run(long source, long target, int length) {
    boolean zeros() {
      return source < 0;
    }
  }

  private final SparseExtent child;
  private final FileChannel childData;
  private final int batchBytes;
  private final long totalBytes;
  private final DeltaMerge.Progress progress;
  private final List<Run> runs = new ArrayList<>();
  private ByteBuffer buffer;
  private ByteBuffer zeros;
  private int pieces;
  private int buffered;
  private long pendingBytes;
  private long grainsDone;
  private long bytesDone;

  /**
   * @param childData the delta, open for reading, or null for a dry run (nothing is read and the
   *     regions written hold no meaningful bytes)
   * @param totalBytes bytes of the virtual disk the merge covers, for progress
   */
  MergeBatch(
      SparseExtent child,
      FileChannel childData,
      int batchBytes,
      long totalBytes,
      DeltaMerge.Progress progress) {
    this.child = child;
    this.childData = childData;
    this.batchBytes = batchBytes;
    this.totalBytes = totalBytes;
    this.progress = progress;
  }

  /** {@code batchBytes}, refused when it is not positive. */
  static int requirePositive(int batchBytes) {
    if (batchBytes <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchBytes);
    }
    return batchBytes;
  }

  /** True when a piece of {@code length} bytes (of data, or zeros) belongs in the next batch. */
  boolean isFull(boolean data, int length) {
    return pieces >= MAX_PIECES || (data && buffered > 0 && buffered + length > batchBytes);
  }

  /** Copies {@code length} bytes of the delta from {@code sourceByte} to {@code targetByte}. */
  void copy(long sourceByte, long targetByte, int length) {
    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (last != null
        && !last.zeros()
        && last.source() + last.length() == sourceByte
        && last.target() + last.length() == targetByte) {
      runs.set(runs.size() - 1, new Run(last.source(), last.target(), last.length() + length));
    } else {
      runs.add(new Run(sourceByte, targetByte, length));
    }
    buffered += length;
    pieces++;
  }

  /** Writes {@code length} zeros at {@code targetByte}. */
  void zeros(long targetByte, int length) {
    runs.add(new Run(-1, targetByte, length));
    pieces++;
  }

  /** Counts one grain of the delta as merged with this batch, {@code length} bytes of the disk. */
  void grainDone(int length) {
    grainsDone++;
    pendingBytes += length;
  }

  /** Reads the batch's data from the delta, gives its regions to {@code sink}, reports progress. */
  void flush(Sink sink) throws IOException {
    if (buffered > 0 && (buffer == null || buffer.capacity() < buffered)) {
      buffer = ByteBuffer.allocateDirect(buffered);
    }
    List<ExtentFile.Region> regions = new ArrayList<>();
    int slot = 0;
    for (Run run : runs) {
      if (run.zeros()) {
        regions.add(new ExtentFile.Region(run.target(), zeros(run.length())));
        continue;
      }
      ByteBuffer data = buffer.duplicate().limit(slot + run.length()).position(slot).slice();
      slot += run.length();
      if (childData != null) {
        ExtentFile.readFully(childData, run.source(), data, child.path());
        data.flip();
      }
      regions.add(new ExtentFile.Region(run.target(), data));
    }
    sink.write(regions);
    runs.clear();
    pieces = 0;
    buffered = 0;
    bytesDone += pendingBytes;
    pendingBytes = 0;
    progress.update(bytesDone, totalBytes);
  }

  /** Grains merged by the batches flushed so far. */
  long grainsDone() {
    return grainsDone;
  }

  /** Bytes of the virtual disk merged by the batches flushed so far. */
  long bytesDone() {
    return bytesDone;
  }

  private ByteBuffer zeros(int length) {
    if (zeros == null) {
      zeros = ByteBuffer.allocateDirect((int) child.header().grainSizeBytes());
    }
    return zeros.duplicate().limit(length).slice();
  }
}
