package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of one file in memory, immutable, in blocks shared between versions: a crash state is
 * rebuilt by applying hundreds of writes to the files of a folder, and thousands of states are
 * rebuilt, so a write copies only the blocks it touches. Blocks absent are zeros (holes).
 */
final class FileContent {
  static final int BLOCK = 4096;
  static final FileContent EMPTY = new FileContent(0, new TreeMap<>());

  private final long length;
  private final TreeMap<Long, byte[]> blocks;
  private String sha256;

  private FileContent(long length, TreeMap<Long, byte[]> blocks) {
    this.length = length;
    this.blocks = blocks;
  }

  static FileContent of(byte[] bytes) {
    return EMPTY.write(0, bytes);
  }

  long length() {
    return length;
  }

  /** The content with {@code bytes} at {@code offset}; the file grows to hold them. */
  FileContent write(long offset, byte[] bytes) {
    if (bytes.length == 0) {
      return this;
    }
    TreeMap<Long, byte[]> copy = new TreeMap<>(blocks);
    long at = offset;
    int done = 0;
    while (done < bytes.length) {
      long index = at / BLOCK;
      int within = (int) (at % BLOCK);
      int n = Math.min(BLOCK - within, bytes.length - done);
      byte[] old = copy.get(index);
      byte[] block = old == null ? new byte[BLOCK] : old.clone();
      System.arraycopy(bytes, done, block, within, n);
      copy.put(index, block);
      at += n;
      done += n;
    }
    return new FileContent(Math.max(length, offset + bytes.length), copy);
  }

  /** The content cut to {@code newLength} bytes, or extended with zeros. */
  FileContent withLength(long newLength) {
    if (newLength == length) {
      return this;
    }
    TreeMap<Long, byte[]> copy = new TreeMap<>(blocks.headMap((newLength + BLOCK - 1) / BLOCK));
    int tail = (int) (newLength % BLOCK);
    Map.Entry<Long, byte[]> last = copy.lastEntry();
    if (tail != 0 && last != null && last.getKey() == newLength / BLOCK) {
      byte[] block = last.getValue().clone();
      Arrays.fill(block, tail, BLOCK, (byte) 0);
      copy.put(last.getKey(), block);
    }
    return new FileContent(newLength, copy);
  }

  /** Bytes {@code [from, to)}, zeros past the end. */
  byte[] read(long from, long to) {
    byte[] out = new byte[Math.toIntExact(Math.max(0, to - from))];
    if (to <= from) {
      return out;
    }
    for (Map.Entry<Long, byte[]> e :
        blocks.subMap(from / BLOCK, true, (to - 1) / BLOCK, true).entrySet()) {
      long start = e.getKey() * BLOCK;
      long lo = Math.max(start, from);
      long hi = Math.min(start + BLOCK, Math.min(to, length));
      if (hi > lo) {
        System.arraycopy(e.getValue(), (int) (lo - start), out, (int) (lo - from), (int) (hi - lo));
      }
    }
    return out;
  }

  byte[] bytes() {
    return read(0, length);
  }

  /**
   * The SHA-256 of the bytes in hex, as {@link io.github.vmdkdelta.testing.FolderSnapshot} has it.
   */
  String sha256() {
    if (sha256 == null) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[BLOCK];
        for (long index = 0; index * BLOCK < length; index++) {
          byte[] block = blocks.getOrDefault(index, zeros);
          md.update(block, 0, (int) Math.min(BLOCK, length - index * BLOCK));
        }
        sha256 = HexFormat.of().formatHex(md.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
    return sha256;
  }

  /** Writes the content to a new file, leaving holes where it has none. */
  void writeTo(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] zeros = new byte[BLOCK];
      for (Map.Entry<Long, byte[]> e : blocks.entrySet()) {
        if (!Arrays.equals(e.getValue(), zeros)) {
          long start = e.getKey() * BLOCK;
          f.seek(start);
          f.write(e.getValue(), 0, (int) Math.min(BLOCK, length - start));
        }
      }
      f.setLength(length);
    }
  }
}
