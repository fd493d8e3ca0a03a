package io.github.vmdkdelta.ops;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The undo log of a change made in place to one file (the parent that {@code commit} merges into):
 * before any byte below the file's original length is overwritten, its old value is appended here
 * and forced to disk. Undoing writes the saved bytes back, newest record first (so the oldest value
 * of a byte saved twice wins), and cuts the file back to its original length, which removes
 * everything appended.
 *
 * <p>Layout, little-endian:
 *
 * <pre>
 * header   "VMDKUNDO" | version u32 = 1 | 0 u32 | original length u64 | CRC-32C of the above u32 | 0 u32
 * record   "UREC" | regions u32 | body bytes u64 | body: regions x (offset u64, length u32), data
 *          | CRC-32C of the record so far u32
 * </pre>
 *
 * A record is written in one go and forced before the bytes it saves are overwritten, so a crash
 * leaves at most its last record torn, and the bytes of a torn record were never overwritten: it is
 * ignored. A damaged record followed by more data is not a torn tail, and nothing is undone then.
 */
final class UndoLog implements Closeable {
  static final int HEADER_SIZE = 32;
  static final int RECORD_HEADER_SIZE = 16;
  static final int REGION_SIZE = 12;
  static final int TRAILER_SIZE = 4;

  private static final byte[] MAGIC = "VMDKUNDO".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int RECORD_MAGIC = 0x43455255; // "UREC" read little-endian

  /**
   * Most regions in one record, and bytes of one record, when reading a log back: far above what a
   * merge batch writes (32 MiB of grains, two tables), low enough to bound what is allocated.
   */
  private static final int MAX_REGIONS = 1 << 20;

  /** Bytes copied at a time when a log is checked or replayed. */
  private static final int CHUNK = 8 << 20;

  /** A byte range of the target whose current bytes are to be saved. */
  record Range(long offset, int length) {}

  private final OpenFile log;
  private long end;
  private ByteBuffer record;

  private UndoLog(OpenFile log, long end) {
    this.log = log;
    this.end = end;
  }

  /** Bytes a record saving {@code ranges} takes in the log. */
  static long recordSize(List<Range> ranges) {
    long data = 0;
    for (Range r : ranges) {
      data += r.length();
    }
    return RECORD_HEADER_SIZE + (long) REGION_SIZE * ranges.size() + data + TRAILER_SIZE;
  }

  /**
   * Creates the log for a target of {@code originalLength} bytes, forced, and its folder entry
   * forced too: from then on, the target may be changed.
   */
  static UndoLog create(SafeFileOperations ops, Path path, long originalLength) throws IOException {
    OpenFile file = ops.createNew(path);
    try {
      ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      h.put(0, MAGIC).putInt(8, VERSION).putLong(16, originalLength);
      h.putInt(24, crc(h, 0, 24));
      file.write(0, h);
      file.force();
      ops.syncFolder(path.toAbsolutePath().getParent());
      return new UndoLog(file, HEADER_SIZE);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Appends the current bytes of {@code ranges} of {@code target} as one record, and forces it. */
  void save(OpenFile target, List<Range> ranges) throws IOException {
    long size = recordSize(ranges);
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("record too large: " + size);
    }
    if (record == null || record.capacity() < size) {
      record = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = record.clear().limit((int) size);
    b.putInt(RECORD_MAGIC).putInt(ranges.size()).putLong(size - RECORD_HEADER_SIZE - TRAILER_SIZE);
    for (Range r : ranges) {
      b.putLong(r.offset()).putInt(r.length());
    }
    for (Range r : ranges) {
      ByteBuffer slice = b.slice(b.position(), r.length());
      target.read(r.offset(), slice);
      b.position(b.position() + r.length());
    }
    b.putInt(crc(b, 0, b.position()));
    b.flip();
    log.write(end, b);
    log.force();
    end += size;
  }

  @Override
  public void close() throws IOException {
    log.close();
  }

  /**
   * Undoes the changes recorded in the log at {@code path} to {@code target}: writes the saved
   * bytes back (newest record first), cuts the target to its original length, forces it, and
   * removes the log. Does only what is still needed, so running it again after a crash is safe.
   * Without a log (or with one torn while it was created) the target was never changed, or is
   * already restored: nothing is done to it, whatever its length, since any change then is not
   * ours.
   *
   * @throws IOException when the log or the target is in a state no automatic undo can handle
   */
  static void undo(SafeFileOperations ops, Path path, Path target, long originalLength)
      throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot undo the changes to " + target + ": the file is missing");
    }
    List<Long> records;
    try (FileChannel ch = FileChannel.open(path)) {
      records = readLog(ch, path, originalLength);
      if (records != null) {
        try (OpenFile file = ops.openForUpdate(target)) {
          // Nothing of ours ever shortens the file: if it is shorter, something else changed it.
          if (file.size() < originalLength) {
            throw new IOException(
                "cannot undo the changes to "
                    + target
                    + ": it is shorter than it was ("
                    + file.size()
                    + " bytes, was "
                    + originalLength
                    + ")");
          }
          for (int i = records.size() - 1; i >= 0; i--) {
            replayRecord(ch, records.get(i), file);
          }
          if (file.size() > originalLength) {
            file.setLength(originalLength);
          }
          file.force();
        }
      }
    }
    ops.delete(path);
    ops.syncFolder(path.toAbsolutePath().getParent());
  }

  /**
   * The positions of the log's whole records, or null when its header was torn while it was created
   * (then nothing was changed yet).
   */
  private static List<Long> readLog(FileChannel ch, Path path, long originalLength)
      throws IOException {
    long size = ch.size();
    ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    readUpTo(ch, 0, h);
    boolean headerOk =
        h.position() == HEADER_SIZE
            && Arrays.equals(Arrays.copyOf(h.array(), MAGIC.length), MAGIC)
            && h.getInt(8) == VERSION
            && h.getInt(24) == crc(h, 0, 24);
    if (!headerOk) {
      if (size <= HEADER_SIZE) {
        return null;
      }
      throw new IOException(path + ": undo log damaged (bad header); not touching anything");
    }
    if (h.getLong(16) != originalLength) {
      throw new IOException(
          path
              + ": undo log is for a file of "
              + h.getLong(16)
              + " bytes, the journal says "
              + originalLength
              + "; not touching anything");
    }
    return validRecords(ch, path, size);
  }

  /** Positions of the whole records, in order; a torn last record is left out. */
  private static List<Long> validRecords(FileChannel ch, Path path, long size) throws IOException {
    List<Long> records = new ArrayList<>();
    long pos = HEADER_SIZE;
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    while (pos < size) {
      head.clear();
      readUpTo(ch, pos, head);
      if (head.position() < RECORD_HEADER_SIZE || head.getInt(0) != RECORD_MAGIC) {
        break; // torn: its header never made it
      }
      long regions = Integer.toUnsignedLong(head.getInt(4));
      long body = head.getLong(8);
      long total = RECORD_HEADER_SIZE + body + TRAILER_SIZE;
      if (regions > MAX_REGIONS || body < regions * REGION_SIZE || total > size - pos) {
        break; // torn: the record runs past the end of the log
      }
      if (!crcMatches(ch, pos, total)) {
        if (total < size - pos) {
          throw new IOException(
              path + ": undo log damaged (record at byte " + pos + "); not touching anything");
        }
        break; // torn: the last record, not all of it written
      }
      records.add(pos);
      pos += total;
    }
    return records;
  }

  private static boolean crcMatches(FileChannel ch, long pos, long total) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, total - TRAILER_SIZE));
    long at = pos;
    long end = pos + total - TRAILER_SIZE;
    while (at < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - at));
      readUpTo(ch, at, buf);
      buf.flip();
      at += buf.remaining();
      crc.update(buf);
    }
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    readUpTo(ch, end, trailer);
    return trailer.getInt(0) == (int) crc.getValue();
  }

  private static void replayRecord(FileChannel ch, long pos, OpenFile target) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    readUpTo(ch, pos, head);
    int regions = head.getInt(4);
    ByteBuffer list = ByteBuffer.allocate(regions * REGION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    readUpTo(ch, pos + RECORD_HEADER_SIZE, list);
    long data = pos + RECORD_HEADER_SIZE + (long) regions * REGION_SIZE;
    ByteBuffer buf = null;
    for (int i = 0; i < regions; i++) {
      long offset = list.getLong(i * REGION_SIZE);
      long length = Integer.toUnsignedLong(list.getInt(i * REGION_SIZE + 8));
      for (long done = 0; done < length; ) {
        int n = (int) Math.min(CHUNK, length - done);
        if (buf == null || buf.capacity() < n) {
          buf = ByteBuffer.allocate(n);
        }
        buf.clear().limit(n);
        readUpTo(ch, data + done, buf);
        buf.flip();
        target.write(offset + done, buf);
        done += n;
      }
      data += length;
    }
  }

  /** Reads until {@code dst} is full or the file ends. */
  private static void readUpTo(FileChannel ch, long pos, ByteBuffer dst) throws IOException {
    long at = pos;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
  }

  private static int crc(ByteBuffer b, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().limit(to).position(from));
    return (int) crc.getValue();
  }
}
