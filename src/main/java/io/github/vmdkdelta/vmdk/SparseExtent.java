package io.github.vmdkdelta.vmdk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The metadata of one hosted sparse extent file: header, embedded descriptor and both grain
 * directories, every offset checked against the file's size. Opening reads the metadata and closes
 * the file again, so that no handle is held while other files are renamed.
 */
public final class SparseExtent {
  private final Path path;
  private final long fileSize;
  private final SparseExtentHeader header;
  private final byte[] descriptorArea;
  private final Descriptor descriptor;
  private final GrainDirectory grainDirectory;
  private final GrainDirectory redundantGrainDirectory;

  private SparseExtent(
      Path path,
      long fileSize,
      SparseExtentHeader header,
      byte[] descriptorArea,
      Descriptor descriptor,
      GrainDirectory grainDirectory,
      GrainDirectory redundantGrainDirectory) {
    this.path = path;
    this.fileSize = fileSize;
    this.header = header;
    this.descriptorArea = descriptorArea;
    this.descriptor = descriptor;
    this.grainDirectory = grainDirectory;
    this.redundantGrainDirectory = redundantGrainDirectory;
  }

  /**
   * Reads and checks the metadata of a sparse extent.
   *
   * @throws CorruptImageException when the file is damaged or lies about its layout
   * @throws UnsupportedImageException when it is a VMDK of a kind not read here
   * @throws IOException when the file cannot be read
   */
  public static SparseExtent open(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer headerBytes = readAt(ch, 0, (int) Math.min(size, SparseExtentHeader.SIZE), path);
      SparseExtentHeader header = SparseExtentHeader.parse(headerBytes, path);
      if (header.gdOffset() == SparseExtentHeader.GD_AT_END) {
        throw new UnsupportedImageException(
            path, "header", "streamOptimized files (grain directory at the end) are not supported");
      }
      byte[] area = new byte[0];
      Descriptor descriptor = null;
      if (header.descriptorOffset() != 0) {
        long start =
            checkedRange(
                header.descriptorOffset(), header.descriptorSize(), size, path, "descriptor");
        area = new byte[(int) (header.descriptorSize() * Limits.SECTOR_SIZE)];
        readAt(ch, start, area.length, path).get(area);
        byte[] text = textBeforeNul(area);
        // qemu-img reserves a descriptor area in each extent of a split disk and leaves it empty.
        descriptor = text.length == 0 ? null : Descriptor.parse(text, path);
      }
      long entries = header.grainDirectoryEntries();
      if (entries > Limits.MAX_GD_ENTRIES) {
        throw new CorruptImageException(
            path,
            "header",
            "grain directory too large ("
                + entries
                + " entries, at most "
                + Limits.MAX_GD_ENTRIES
                + ")");
      }
      GrainDirectory gd =
          readDirectory(ch, header, header.gdOffset(), size, path, "grain directory");
      GrainDirectory rgd = null;
      if (header.hasRedundantGrainDirectory()) {
        rgd =
            readDirectory(ch, header, header.rgdOffset(), size, path, "redundant grain directory");
      }
      if (descriptor != null) {
        requireOutsideDescriptor(header, gd, "grain directory", header.gdOffset(), path);
        if (rgd != null) {
          requireOutsideDescriptor(
              header, rgd, "redundant grain directory", header.rgdOffset(), path);
        }
      }
      if (header.overHead() > size / Limits.SECTOR_SIZE) {
        throw new CorruptImageException(
            path,
            "header",
            "file is shorter than its metadata ("
                + size
                + " bytes, overHead "
                + header.overHead()
                + " sectors): truncated?");
      }
      if (header.capacity() > Limits.MAX_CAPACITY_SECTORS) {
        // Checked last: a header that lies about its layout is reported as damage first.
        throw new UnsupportedImageException(
            path,
            "header",
            "capacity larger than 2 TiB ("
                + header.capacityBytes()
                + " bytes): a valid disk, but this tool handles sparse files of at most 2 TiB");
      }
      return new SparseExtent(path, size, header, area, descriptor, gd, rgd);
    }
  }

  private static GrainDirectory readDirectory(
      FileChannel ch, SparseExtentHeader h, long offset, long size, Path path, String what)
      throws IOException {
    int count = (int) h.grainDirectoryEntries();
    long start = checkedRange(offset, h.grainDirectorySectors(), size, path, what);
    ByteBuffer b = readAt(ch, start, count * 4, path);
    return GrainDirectory.parse(b, count, h.grainTableSectors(), size, path, what);
  }

  /**
   * Refuses a directory, or a grain table it lists, that shares sectors with the descriptor area:
   * {@link #descriptorRewrite} may write anywhere in that area, and must never land on them.
   */
  private static void requireOutsideDescriptor(
      SparseExtentHeader h, GrainDirectory dir, String what, long dirOffset, Path path)
      throws CorruptImageException {
    long start = h.descriptorOffset();
    long end = start + h.descriptorSize(); // both checked against the file size: no overflow
    if (dirOffset < end && start < dirOffset + h.grainDirectorySectors()) {
      throw overlap(path, what, dirOffset, start, end);
    }
    for (int i = 0; i < dir.size(); i++) {
      long table = dir.tableSector(i);
      if (table != GrainDirectory.NO_TABLE
          && table < end
          && start < table + h.grainTableSectors()) {
        throw overlap(path, what + " entry " + i, table, start, end);
      }
    }
  }

  private static CorruptImageException overlap(
      Path path, String what, long sector, long start, long end) {
    return new CorruptImageException(
        path,
        "header",
        what
            + " overlaps the descriptor area (sector "
            + sector
            + ", descriptor in sectors "
            + start
            + " to "
            + (end - 1)
            + ")");
  }

  /** Checks that sectors [offset, offset+length) lie inside the file; returns the byte offset. */
  private static long checkedRange(long offset, long length, long size, Path path, String what)
      throws CorruptImageException {
    try {
      long start = Math.multiplyExact(offset, Limits.SECTOR_SIZE);
      long end = Math.addExact(start, Math.multiplyExact(length, Limits.SECTOR_SIZE));
      if (offset <= 0 || end > size) {
        throw new ArithmeticException();
      }
      return start;
    } catch (ArithmeticException e) {
      throw new CorruptImageException(
          path,
          "header",
          what
              + " lies outside the file (sector "
              + Long.toUnsignedString(offset)
              + ", "
              + length
              + " sectors; file has "
              + size / Limits.SECTOR_SIZE
              + " sectors)");
    }
  }

  private static ByteBuffer readAt(FileChannel ch, long position, int length, Path path)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        throw new EOFException(path + ": unexpected end of file");
      }
    }
    return b.flip();
  }

  private static byte[] textBeforeNul(byte[] area) {
    int n = 0;
    while (n < area.length && area[n] != 0) {
      n++;
    }
    return java.util.Arrays.copyOf(area, n);
  }

  /**
   * Reads grain table {@code index} of the grain directory; a directory entry of 0 gives a table
   * with every grain unallocated.
   *
   * @param ch the file, open for reading
   */
  public GrainTable readGrainTable(FileChannel ch, int index) throws IOException {
    return GrainTableReader.of(this, ch).table(index);
  }

  /**
   * The in-place change that replaces the embedded descriptor's text with {@code replacement}: it
   * covers the old text and the new, and the bytes after the text as far as they move with it, and
   * nothing else of the file.
   *
   * @throws UnsupportedImageException when there is no embedded descriptor or the new text would
   *     not fit in the reserved area
   */
  public ByteRewrite descriptorRewrite(Descriptor replacement) throws VmdkException {
    byte[] text = replacement.encode();
    int oldLength = textBeforeNul(descriptorArea).length;
    if (descriptor == null || text.length >= descriptorArea.length) {
      throw new UnsupportedImageException(
          path,
          "descriptor",
          "new descriptor does not fit in the reserved area ("
              + text.length
              + " bytes, room for "
              + (descriptorArea.length - 1)
              + ")");
    }
    // What follows the text (its NUL, then whatever lies there) moves with it, as a descriptor
    // file keeps its tail: qemu leaves stale bytes after the NUL when it shortens the CID, and a
    // rename and its reverse shift them by the same amount both ways, so delete gives back every
    // byte. Overwriting them instead lost them, and could leave a longer text unterminated, its
    // stale bytes read as descriptor lines. Only bytes pushed off the end of the area are lost.
    byte[] whole = new byte[descriptorArea.length];
    System.arraycopy(text, 0, whole, 0, text.length);
    System.arraycopy(
        descriptorArea,
        oldLength,
        whole,
        text.length,
        Math.min(descriptorArea.length - oldLength, whole.length - text.length));
    int length = whole.length;
    while (length > Math.max(oldLength, text.length)
        && whole[length - 1] == descriptorArea[length - 1]) {
      length--;
    }
    byte[] before = java.util.Arrays.copyOf(descriptorArea, length);
    byte[] after = java.util.Arrays.copyOf(whole, length);
    return new ByteRewrite(descriptorAreaOffset(), before, after);
  }

  /** The file this was read from. */
  public Path path() {
    return path;
  }

  /** Size of the file in bytes when it was opened. */
  public long fileSize() {
    return fileSize;
  }

  /** The header. */
  public SparseExtentHeader header() {
    return header;
  }

  /** The embedded descriptor, empty for extents of a split disk that carry none. */
  public Optional<Descriptor> descriptor() {
    return Optional.ofNullable(descriptor);
  }

  /** The reserved descriptor area exactly as read (text, then NUL padding). */
  public byte[] descriptorArea() {
    return descriptorArea.clone();
  }

  /** Byte offset of the descriptor area in the file. */
  public long descriptorAreaOffset() {
    return header.descriptorOffset() * Limits.SECTOR_SIZE;
  }

  /** The grain directory. */
  public GrainDirectory grainDirectory() {
    return grainDirectory;
  }

  /** The redundant grain directory, when the header says it is in use. */
  public Optional<GrainDirectory> redundantGrainDirectory() {
    return Optional.ofNullable(redundantGrainDirectory);
  }
}
