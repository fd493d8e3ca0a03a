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
 * record   "UREC" | regions u32 | body bytes u64 | body: regions x (offset u64, length u32), data,
 *          zero padding | CRC-32C of the record so far u32
 * </pre>
 *
 * The header is followed by a record that saves nothing and fills its {@link #BLOCK}; every record
 * is padded to whole blocks, so that each starts on a block boundary (undo ignores the padding, and
 * reads logs without it too). That lets the log be written with direct I/O where the file system
 * has it: the saved bytes are written once and read back only after a crash, so passing them
 * through the page cache would only push out pages worth keeping, and cost a copy.
 *
 * <p>A record is written in one go and forced before the bytes it saves are overwritten, so a crash
 * leaves at most its last record torn, and the bytes of a torn record were never overwritten: it is
 * ignored. A damaged record followed by more data is not a torn tail, and nothing is undone then.
 */
final class UndoLog implements Closeable {
  static final int HEADER_SIZE = 32;
  static final int RECORD_HEADER_SIZE = 16;
  static final int REGION_SIZE = 12;
  static final int TRAILER_SIZE = 4;

  /** Records start on multiples of this, and are padded to them. */
  static final int BLOCK = OpenFile.DIRECT_IO_BLOCK;

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

  /** Bytes a record saving {@code ranges} takes in the log, padding included. */
  static long recordSize(List<Range> ranges) {
    long data = 0;
    for (Range r : ranges) {
      data += r.length();
    }
    return padded(RECORD_HEADER_SIZE + (long) REGION_SIZE * ranges.size() + data + TRAILER_SIZE);
  }

  private static long padded(long bytes) {
    return (bytes + BLOCK - 1) / BLOCK * BLOCK;
  }

  /**
   * Creates the log for a target of {@code originalLength} bytes, forced, and its folder entry
   * forced too: from then on, the target may be changed. Its records are written with direct I/O
   * where the file system allows it.
   */
  static UndoLog create(SafeFileOperations ops, Path path, long originalLength) throws IOException {
    return create(ops, path, originalLength, true);
  }

  /** {@link #create}, with direct I/O only if {@code direct} (tests try both ways). */
  static UndoLog create(SafeFileOperations ops, Path path, long originalLength, boolean direct)
      throws IOException {
    OpenFile file = ops.createNew(path);
    try {
      OpenFile directFile = direct ? ops.openForDirectWrite(path) : null;
      if (directFile != null) {
        file.close();
        file = directFile;
      }
      UndoLog log = new UndoLog(file, 0);
      ByteBuffer b = log.buffer(BLOCK);
      b.put(0, MAGIC).putInt(8, VERSION).putLong(16, originalLength);
      b.putInt(24, crc(b, 0, 24));
      b.position(HEADER_SIZE);
      log.append(b, List.of(), null);
      ops.syncFolder(path.toAbsolutePath().getParent());
      return log;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Appends the current bytes of {@code ranges} of {@code target} as one record, and forces it. */
  void save(OpenFile target, List<Range> ranges) throws IOException {
    long size = recordSize(ranges);
    if (size > Integer.MAX_VALUE - 2L * BLOCK) {
      throw new IllegalArgumentException("record too large: " + size);
    }
    append(buffer((int) size), ranges, target);
  }

  /**
   * A block-aligned buffer of {@code size} bytes (a multiple of {@link #BLOCK}), reused from record
   * to record: direct I/O needs its memory aligned too.
   */
  private ByteBuffer buffer(int size) {
    if (record == null || record.capacity() < size) {
      record = ByteBuffer.allocateDirect(size + BLOCK).alignedSlice(BLOCK);
      record.order(ByteOrder.LITTLE_ENDIAN);
    }
    return record.clear().limit(size);
  }

  /**
   * Fills {@code b} from its position to its limit with a record (the ranges, their current bytes
   * in {@code target}, zeros, its CRC), writes all of {@code b} at the end of the log and forces
   * it.
   */
  private void append(ByteBuffer b, List<Range> ranges, OpenFile target) throws IOException {
    int start = b.position();
    int limit = b.limit();
    b.putInt(RECORD_MAGIC)
        .putInt(ranges.size())
        .putLong(limit - start - RECORD_HEADER_SIZE - TRAILER_SIZE);
    for (Range r : ranges) {
      b.putLong(r.offset()).putInt(r.length());
    }
    for (Range r : ranges) {
      ByteBuffer slice = b.slice(b.position(), r.length());
      target.read(r.offset(), slice);
      b.position(b.position() + r.length());
    }
    while (b.position() < limit - TRAILER_SIZE) {
      b.put((byte) 0);
    }
    b.putInt(crc(b, start, b.position()));
    b.position(0);
    log.write(end, b);
    log.force();
    end += limit;
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
      // Torn while its first block was written: nothing saved yet, so nothing was changed.
      if (size <= BLOCK && !savesAnything(ch, path, size)) {
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

  /** Whether the log holds a whole record that saves bytes: then the target may have changed. */
  private static boolean savesAnything(FileChannel ch, Path path, long size) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (long pos : validRecords(ch, path, size)) {
      head.clear();
      readUpTo(ch, pos, head);
      if (head.getInt(4) != 0) {
        return true;
      }
    }
    return false;
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
