package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies the grains a delta holds over one FLAT extent of its parent into the extent's file, in
 * place. A flat extent is its part of the virtual disk as raw bytes, so a data grain of the delta
 * is written over those bytes and a zeroed grain as zeros: the file neither grows nor has tables,
 * and every byte written lies inside it. The {@link ExtentFile} given to {@link #run} decides how
 * an overwrite is made safe. A grain straddling two extents (extent sizes that are no grain
 * multiple) is cut at the boundary, each extent taking its part.
 *
 * <p>As in {@link DeltaMerge}, grains are written in disk order, in batches ({@link MergeBatch}),
 * each forced before the next.
 */
public final class FlatMerge implements ExtentMerge {
  /**
   * The extent written: its file (of {@code fileSize} bytes when checked), the bytes {@code
   * [fromByte, toByte)} of the virtual disk it holds, from byte {@code dataStart} of the file on.
   */
  private record Target(Path file, long fileSize, long fromByte, long toByte, long dataStart) {}

  private final SparseExtent child;
  private final Target extent;
  private final DeltaGrains.Summary held;
  private final int batchBytes;

  private FlatMerge(SparseExtent child, Target extent, DeltaGrains.Summary held, int batchBytes) {
    this.child = child;
    this.extent = extent;
    this.held = held;
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
        new Target(file, fileSize, fromByte, toByte, dataStart),
        held,
        DeltaMerge.DEFAULT_BATCH_BYTES);
  }

  @Override
  public FlatMerge withBatchBytes(int batchBytes) {
    return new FlatMerge(child, extent, held, MergeBatch.requirePositive(batchBytes));
  }

  @Override
  public DeltaGrains.Summary held() {
    return held;
  }

  @Override
  public DeltaMerge.Result run(
      FileChannel childData, ExtentFile target, DeltaMerge.Progress progress) throws IOException {
    FileChangedException.requireSize(extent.file(), target.size(), extent.fileSize());
    MergeBatch batch = new MergeBatch(child, childData, batchBytes, held.bytes(), progress);
    MergeBatch.Sink forced =
        regions -> {
          if (!regions.isEmpty()) {
            target.write(regions);
            target.force();
          }
        };
    try (FileChannel tables = DeltaGrains.openTables(child, childData != null)) {
      DeltaGrains.forEach(
          child,
          tables,
          extent.fromByte(),
          extent.toByte(),
          piece -> {
            if (batch.isFull(!piece.zeroed(), piece.length())) {
              batch.flush(forced);
            }
            long at = extent.dataStart() + (piece.virtualByte() - extent.fromByte());
            if (piece.zeroed()) {
              batch.zeros(at, piece.length());
            } else {
              batch.copy(piece.sourceByte(), at, piece.length());
            }
            batch.grainDone(piece.length());
          });
    }
    batch.flush(forced);
    return new DeltaMerge.Result(
        batch.grainsDone(), batch.bytesDone(), batch.bytesDone(), 0, extent.fileSize());
  }
}
