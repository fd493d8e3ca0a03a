package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ExtentFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ExtentFile} whose every write below the file's original length is preceded by saving
 * the bytes it replaces in an {@link UndoLog}, forced: whatever the format code writes, and in
 * whatever order, the file can be put back as it was. Bytes past the original length need no
 * saving: undo cuts the file back.
 *
 * <p>{@link #measure} gives a version that changes nothing and counts what the real one would
 * write, so that an operation can check free space before it starts.
 */
abstract class UndoLoggedFile implements ExtentFile {
  private final Path path;
  private final long originalLength;

  private UndoLoggedFile(Path path, long originalLength) {
    this.path = path;
    this.originalLength = originalLength;
  }

  @Override
  public Path path() {
    return path;
  }

  /** The parts of {@code regions} below the original length: what must be saved first. */
  List<UndoLog.Range> toSave(List<Region> regions) {
    List<UndoLog.Range> ranges = new ArrayList<>();
    for (Region r : regions) {
      if (r.position() < originalLength) {
        long length = Math.min(r.length(), originalLength - r.position());
        ranges.add(new UndoLog.Range(r.position(), (int) length));
      }
    }
    return ranges;
  }

  /** Writes through {@code target}, saving what it replaces in {@code log} first. */
  static UndoLoggedFile of(OpenFile target, UndoLog log, long originalLength) {
    return new UndoLoggedFile(target.path(), originalLength) {
      @Override
      public long size() throws IOException {
        return target.size();
      }

      @Override
      public void read(long position, ByteBuffer dst) throws IOException {
        target.read(position, dst);
      }

      @Override
      public void write(List<Region> regions) throws IOException {
        List<UndoLog.Range> ranges = toSave(regions);
        if (!ranges.isEmpty()) {
          log.save(target, ranges);
        }
        for (Region r : regions) {
          target.write(r.position(), r.bytes());
        }
      }

      @Override
      public void force() throws IOException {
        target.force();
      }

      /**
       * Nothing: until the merge is done, a crash is undone as a whole (every byte below the
       * original length written back from the log, the rest cut off), whatever reached the device
       * and in whatever order. The log's own records are forced before the writes they cover.
       */
      @Override
      public void barrier() {}

      @Override
      public void extend(long length) throws IOException {
        if (length > target.size()) {
          target.setLength(length);
        }
      }
    };
  }

  /** A file that only counts. Read it with {@code reader}; close that when done. */
  static Measuring measure(Path path, long originalLength) throws IOException {
    return new Measuring(path, originalLength);
  }

  /**
   * Changes nothing; counts the bytes the undo log would take and the length the file would get.
   */
  static final class Measuring extends UndoLoggedFile implements AutoCloseable {
    private final FileChannel reader;
    private long size;
    private long logBytes = UndoLog.BLOCK;

    private Measuring(Path path, long originalLength) throws IOException {
      super(path, originalLength);
      this.reader = FileChannel.open(path, StandardOpenOption.READ);
      this.size = originalLength;
    }

    /** Bytes the undo log would hold at the end. */
    long logBytes() {
      return logBytes;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
      ExtentFile.readFully(reader, position, dst, path());
    }

    @Override
    public void write(List<Region> regions) {
      List<UndoLog.Range> ranges = toSave(regions);
      if (!ranges.isEmpty()) {
        logBytes += UndoLog.recordSize(ranges);
      }
      for (Region r : regions) {
        size = Math.max(size, r.position() + r.length());
      }
    }

    @Override
    public void force() {}

    @Override
    public void extend(long length) {
      size = Math.max(size, length);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
