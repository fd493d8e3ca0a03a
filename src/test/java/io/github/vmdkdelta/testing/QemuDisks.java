package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Disks for the operation tests, made by qemu-img and qemu-io (independent of our writer), and
 * small edits of their embedded descriptor to break them on purpose.
 */
public final class QemuDisks {
  private QemuDisks() {}

  /** A new monolithicSparse base disk, as qemu-img makes it. */
  public static Path base(Path folder, String name, String size) throws IOException {
    return base(folder, name, size, "monolithicSparse");
  }

  /**
   * A new base disk of a hosted subformat ({@code monolithicSparse}, {@code twoGbMaxExtentSparse},
   * {@code monolithicFlat}, {@code twoGbMaxExtentFlat}), as qemu-img makes it.
   */
  public static Path base(Path folder, String name, String size, String subformat)
      throws IOException {
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "create",
            "-f",
            "vmdk",
            "-o",
            "subformat=" + subformat,
            name,
            size)
        .expectSuccess();
    return folder.resolve(name);
  }

  /** A delta of {@code parent}, as qemu-img makes it. */
  public static Path delta(Path folder, String name, String parent) throws IOException {
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "create",
            "-f",
            "vmdk",
            "-b",
            parent,
            "-F",
            "vmdk",
            name)
        .expectSuccess();
    return folder.resolve(name);
  }

  /** Writes {@code length} bytes of {@code pattern} at {@code offset} through the disk's chain. */
  public static void write(Path disk, long offset, long length, int pattern) throws IOException {
    ExternalTools.run(
            disk.getParent(),
            ExternalTools.require(ExternalTools.QEMU_IO),
            "-c",
            "write -P " + pattern + " " + offset + " " + length,
            disk.getFileName().toString())
        .expectSuccess();
  }

  /** The virtual disk as raw bytes, read through the chain by qemu-img. */
  public static Path toRaw(Path disk, Path raw) throws IOException {
    ExternalTools.run(
            disk.getParent(),
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "convert",
            "-O",
            "raw",
            disk.getFileName().toString(),
            raw.toAbsolutePath().toString())
        .expectSuccess();
    return raw;
  }

  /** The embedded descriptor text of a qemu-made file (it sits at sector 1, 20 sectors long). */
  public static String descriptor(Path disk) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
      byte[] area = new byte[20 * 512];
      f.seek(512);
      f.readFully(area);
      int n = 0;
      while (n < area.length && area[n] != 0) {
        n++;
      }
      return new String(area, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  /** Replaces text in the embedded descriptor, in place, NUL-padding what the new text frees. */
  public static void editDescriptor(Path disk, String from, String to) throws IOException {
    String old = descriptor(disk);
    if (!old.contains(from)) {
      throw new AssertionError(disk + ": descriptor has no \"" + from + "\":\n" + old);
    }
    byte[] now = old.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    byte[] area = new byte[Math.max(old.length(), now.length)];
    System.arraycopy(now, 0, area, 0, now.length);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(512);
      f.write(area);
    }
  }

  /** Sets one byte of the header (offset 72 is uncleanShutdown). */
  public static void setHeaderByte(Path disk, int offset, int value) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(offset);
      f.write(value);
    }
  }
}
