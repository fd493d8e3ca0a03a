package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Copies the grains a delta holds over one part of the virtual disk into the one file of its parent
 * that stores that part: a sparse file ({@link DeltaMerge}) or a flat one ({@link FlatMerge}).
 * Checked in full when made; how each write is made safe is up to the {@link ExtentFile} given to
 * {@link #run}.
 */
public interface ExtentMerge {
  /** What the delta holds over the part, as the check found it. */
  DeltaGrains.Summary held();

  /** Grains the delta holds over the part (a grain straddling two parts counts in both). */
  default long grains() {
    return held().grains();
  }

  /** Bytes of the virtual disk the delta holds over the part. */
  default long bytes() {
    return held().bytes();
  }

  /** The same merge, forcing after about {@code batchBytes} of grain data. */
  ExtentMerge withBatchBytes(int batchBytes);

  /**
   * Merges. With {@code childData} null nothing is read from the delta's grains and the regions
   * given to {@code target} hold no meaningful bytes: a dry run, for an {@link ExtentFile} that
   * only counts what would be written.
   *
   * @param childData the delta, open for reading, or null for a dry run
   * @param target the parent's file, for reading and writing
   * @param progress told after each batch, with bytes of this merge
   */
  DeltaMerge.Result run(FileChannel childData, ExtentFile target, DeltaMerge.Progress progress)
      throws IOException;
}
