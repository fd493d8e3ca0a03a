package io.github.vmdkdelta.vmdk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Random access to the bytes of one extent file, for {@link SparseExtentWriter}. The writer says
 * what to write; an implementation decides how the writes are made safe (the operations layer saves
 * the bytes each write replaces in an undo log first, see {@code ops.UndoLoggedFile}).
 */
public interface ExtentFile {
  /** Bytes to write at a byte offset of the file. */
  record Region(long position, ByteBuffer bytes) {
    public Region {
      bytes = bytes.duplicate();
    }

    /** Number of bytes to write. */
    public int length() {
      return bytes.remaining();
    }

    @Override
    public ByteBuffer bytes() {
      return bytes.duplicate();
    }
  }

  /** The file, for messages. */
  Path path();

  /** Current length of the file in bytes. */
  long size() throws IOException;

  /**
   * Fills {@code dst} from {@code position} on.
   *
   * @throws EOFException when the file ends first
   */
  void read(long position, ByteBuffer dst) throws IOException;

  /** Writes the regions, in order. They need not be durable before {@link #force}. */
  void write(List<Region> regions) throws IOException;

  /** Makes every write so far durable. */
  void force() throws IOException;

  /**
   * Orders writes: after a crash, no write made after this call is in the file unless every write
   * made before it is. A plain file can only promise that by {@link #force}; a file whose changes
   * are undone as a whole after a crash needs nothing.
   */
  default void barrier() throws IOException {
    force();
  }

  /** Extends the file to {@code length} bytes; the new bytes read as zeros (a hole). */
  void extend(long length) throws IOException;

  /**
   * A plain file, written directly with no undo: for library users who write a disk as a VM would.
   * vmdk-delta's own commands change files only through the operations layer.
   *
   * @param ch the file, open for reading and writing
   */
  static ExtentFile of(Path path, FileChannel ch) {
    return new ExtentFile() {
      @Override
      public Path path() {
        return path;
      }

      @Override
      public long size() throws IOException {
        return ch.size();
      }

      @Override
      public void read(long position, ByteBuffer dst) throws IOException {
        readFully(ch, position, dst, path);
      }

      @Override
      public void write(List<Region> regions) throws IOException {
        for (Region r : regions) {
          writeFully(ch, r.position(), r.bytes());
        }
      }

      @Override
      public void force() throws IOException {
        ch.force(true);
      }

      @Override
      public void extend(long length) throws IOException {
        extendTo(ch, length);
      }
    };
  }

  /**
   * Extends the file to {@code length} by writing its last byte (a zero): a channel has no other
   * way to grow a file, and everything before that byte stays a hole.
   */
  public static void extendTo(FileChannel ch, long length) throws IOException {
    if (length > ch.size()) {
      writeFully(ch, length - 1, ByteBuffer.allocate(1));
    }
  }

  /** Reads until {@code dst} is full. */
  public static void readFully(FileChannel ch, long position, ByteBuffer dst, Path path)
      throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) {
        throw new EOFException(path + ": unexpected end of file at byte " + at);
      }
      at += n;
    }
  }

  /** Writes all of {@code src}. */
  public static void writeFully(FileChannel ch, long position, ByteBuffer src) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += ch.write(src, at);
    }
  }
}
