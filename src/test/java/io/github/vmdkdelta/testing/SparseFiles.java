package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes test files with holes where they hold zeros, so that disks of several GiB cost a few
 * blocks. A hole reads as zeros; on a file system without holes the file is just larger.
 */
public final class SparseFiles {
  private static final int BLOCK = 4096;

  private SparseFiles() {}

  /** Writes {@code content} as the file {@code path}, skipping its all-zero 4 KiB blocks. */
  public static void write(Path path, byte[] content) throws IOException {
    try (FileChannel ch = create(path)) {
      for (int at = 0; at < content.length; at += BLOCK) {
        int n = Math.min(BLOCK, content.length - at);
        if (!isZero(content, at, n)) {
          writeFully(ch, ByteBuffer.wrap(content, at, n), at);
        }
      }
      extend(ch, content.length);
    }
  }

  /**
   * Writes the file {@code path}, {@code length} bytes holding {@code pieces} (file offset to
   * bytes) and holes everywhere else.
   */
  public static void write(Path path, long length, Map<Long, byte[]> pieces) throws IOException {
    try (FileChannel ch = create(path)) {
      for (Map.Entry<Long, byte[]> piece : pieces.entrySet()) {
        if (piece.getKey() + piece.getValue().length > length) {
          throw new IllegalArgumentException("piece at " + piece.getKey() + " ends past the file");
        }
        writeFully(ch, ByteBuffer.wrap(piece.getValue()), piece.getKey());
      }
      extend(ch, length);
    }
  }

  /**
   * Bytes the file system allocated to the file: st_blocks times its unit, from {@code stat}
   * (Java's file attributes do not expose st_blocks).
   */
  public static long allocatedBytes(Path file) throws IOException {
    Path stat = ExternalTools.require("stat");
    String out =
        ExternalTools.run(file.getParent(), stat, "-c", "%b %B", file).expectSuccess().output();
    String[] fields = out.strip().split(" ");
    return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
  }

  private static FileChannel create(Path path) throws IOException {
    return FileChannel.open(
        path,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static boolean isZero(byte[] b, int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long at = position;
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /** Makes the file {@code length} bytes long without writing its tail. */
  private static void extend(FileChannel ch, long length) throws IOException {
    if (ch.size() < length) {
      // One zero byte at the end sets the length; the gap before it stays a hole.
      writeFully(ch, ByteBuffer.allocate(1), length - 1);
    }
  }
}
