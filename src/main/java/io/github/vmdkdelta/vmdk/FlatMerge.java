package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the grains a delta holds over one FLAT extent of its parent into the extent's file, in
 * place. A flat extent is its part of the virtual disk as raw bytes, so a data grain of the delta
 * is written over those bytes and a zeroed grain as zeros: the file neither grows nor has tables,
 * and every byte written lies inside it. The {@link ExtentFile} given to {@link #run} decides how
 * an overwrite is made safe. A grain straddling two extents (extent sizes that are no grain
 * multiple) is cut at the boundary, each extent taking its part.
 *
 * <p>As in {@link DeltaMerge}, grains are written in disk order, in batches, each forced before the
 * next.
 */
public final class FlatMerge implements ExtentMerge {
  /** Bytes of the delta to copy, or zeros when {@code source} is -1. */
  private record Run(long source, long target, int length) {
    boolean zeros() {
      return source < 0;
    }
  }

  private final SparseExtent child;
  private final Path file;
  private final long fileSize;
  private final long fromByte;
  private final long toByte;
  private final long dataStart;
  private final long grains;
  private final long bytes;
  private final int batchBytes;

  private FlatMerge(
      SparseExtent child,
      Path file,
      long fileSize,
      long fromByte,
      long toByte,
      long dataStart,
      long grains,
      long bytes,
      int batchBytes) {
    this.child = child;
    this.file = file;
    this.fileSize = fileSize;
    this.fromByte = fromByte;
    this.toByte = toByte;
    this.dataStart = dataStart;
    this.grains = grains;
    this.bytes = bytes;
    this.batchBytes = batchBytes;
  }

  /**
   * Checks that the grains of {@code child} over an extent can be written into its file: every
   * grain of the child inside the child's file, the extent inside its file. Reads the child's grain
   * tables over the extent and nothing else.
   *
   * @param file the extent's file
   * @param firstSector the virtual sector the extent starts at
   * @param sectors the extent's size
   * @param dataStart where the extent's data starts in its file, in bytes
   */
  public static FlatMerge check(
      SparseExtent child, Path file, long firstSector, long sectors, long dataStart)
      throws IOException {
    DeltaGrains.requireMergeable(child);
    DeltaGrains.requireInside(child, file, firstSector, firstSector + sectors);
    long fromByte = firstSector * Limits.SECTOR_SIZE;
    long toByte = fromByte + sectors * Limits.SECTOR_SIZE;
    long fileSize = Files.size(file);
    if (dataStart + (toByte - fromByte) > fileSize) {
      throw new CorruptImageException(
          file,
          "extent",
          "flat extent file shorter than its extent line says ("
              + fileSize
              + " bytes, the line needs "
              + (dataStart + toByte - fromByte)
              + ")");
    }
    DeltaGrains.Summary held = DeltaGrains.check(child, fromByte, toByte);
    return new FlatMerge(
        child,
        file,
        fileSize,
        fromByte,
        toByte,
        dataStart,
        held.grains(),
        held.bytes(),
        DeltaMerge.DEFAULT_BATCH_BYTES);
  }

  @Override
  public FlatMerge withBatchBytes(int batchBytes) {
    if (batchBytes <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchBytes);
    }
    return new FlatMerge(
        child, file, fileSize, fromByte, toByte, dataStart, grains, bytes, batchBytes);
  }

  @Override
  public long grains() {
    return grains;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public DeltaMerge.Result run(
      FileChannel childData, ExtentFile target, DeltaMerge.Progress progress) throws IOException {
    if (target.size() != fileSize) {
      throw new IOException(
          file
              + ": file changed size since it was checked ("
              + target.size()
              + " bytes, was "
              + fileSize
              + "); nothing was changed");
    }
    Batch batch = new Batch(target, childData, progress);
    try (FileChannel tables = DeltaGrains.openTables(child, childData != null)) {
      DeltaGrains.forEach(child, tables, fromByte, toByte, batch::add);
    }
    batch.flush();
    return new DeltaMerge.Result(batch.grainsDone, batch.bytesDone, batch.bytesDone, 0, fileSize);
  }

  /** The runs of one batch, and what has been done so far. */
  private final class Batch {
    final ExtentFile target;
    final FileChannel childData;
    final DeltaMerge.Progress progress;
    final List<Run> runs = new ArrayList<>();
    ByteBuffer buffer;
    ByteBuffer zeros;
    int buffered;
    long pendingBytes;
    long grainsDone;
    long bytesDone;

    Batch(ExtentFile target, FileChannel childData, DeltaMerge.Progress progress) {
      this.target = target;
      this.childData = childData;
      this.progress = progress;
    }

    void add(DeltaGrains.Piece piece) throws IOException {
      if (runs.size() >= DeltaMerge.BATCH_GRAINS
          || (!piece.zeroed() && buffered > 0 && buffered + piece.length() > batchBytes)) {
        flush();
      }
      long at = dataStart + (piece.virtualByte() - fromByte);
      Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (piece.zeroed()) {
        runs.add(new Run(-1, at, piece.length()));
      } else if (last != null
          && !last.zeros()
          && last.source() + last.length() == piece.sourceByte()
          && last.target() + last.length() == at) {
        // Adjacent in the delta and in the extent: one read, one write.
        runs.set(
            runs.size() - 1, new Run(last.source(), last.target(), last.length() + piece.length()));
        buffered += piece.length();
      } else {
        runs.add(new Run(piece.sourceByte(), at, piece.length()));
        buffered += piece.length();
      }
      grainsDone++;
      pendingBytes += piece.length();
    }

    /** Writes the batch's data and forces it. */
    void flush() throws IOException {
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
      if (!regions.isEmpty()) {
        target.write(regions);
        target.force();
      }
      runs.clear();
      buffered = 0;
      bytesDone += pendingBytes;
      pendingBytes = 0;
      progress.update(bytesDone, bytes);
    }

    private ByteBuffer zeros(int length) {
      if (zeros == null) {
        zeros = ByteBuffer.allocateDirect((int) child.header().grainSizeBytes());
      }
      return zeros.duplicate().limit(length).slice();
    }
  }
}
