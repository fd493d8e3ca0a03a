package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The 512-byte header at the start of a hosted sparse extent ({@code SparseExtentHeader} in the
 * VMware "Virtual Disk Format 1.1" specification). Field names are the specification's; sizes and
 * offsets are in sectors unless a name says otherwise.
 *
 * <p>{@link #parse} checks only what a header can check on its own; {@link SparseExtent} checks
 * offsets against the file.
 *
 * @param version 1, 2 (zeroed-grain entries) or 3 (streamOptimized)
 * @param flags see the {@code FLAG_} constants
 * @param capacity virtual size in sectors
 * @param grainSize sectors per grain
 * @param descriptorOffset sector of the embedded descriptor, 0 when there is none
 * @param descriptorSize sectors reserved for the embedded descriptor
 * @param numGTEsPerGT entries per grain table
 * @param rgdOffset sector of the redundant grain directory
 * @param gdOffset sector of the grain directory
 * @param overHead sectors of metadata before the first grain
 * @param uncleanShutdown set while a writer has the file open
 * @param newlineCheck the four newline-detection bytes, as read
 * @param compressAlgorithm 0 none, 1 deflate
 */
public record SparseExtentHeader(
    int version,
    int flags,
    long capacity,
    long grainSize,
    long descriptorOffset,
    long descriptorSize,
    int numGTEsPerGT,
    long rgdOffset,
    long gdOffset,
    long overHead,
    boolean uncleanShutdown,
    int newlineCheck,
    int compressAlgorithm) {

  /** Size of the header on disk. */
  public static final int SIZE = 512;

  /** "KDMV" read as a little-endian uint32. */
  public static final int MAGIC = 0x564d444b;

  /** Flag bit 0: the newline-detection bytes are valid. */
  public static final int FLAG_VALID_NEWLINE_TEST = 1;

  /** Flag bit 1: the redundant grain directory is in use. */
  public static final int FLAG_REDUNDANT_GRAIN_TABLE = 1 << 1;

  /** Flag bit 2: grain table entry 1 means a zeroed grain. */
  public static final int FLAG_ZEROED_GRAIN_GTE = 1 << 2;

  /** Flag bit 16: grains are compressed (streamOptimized). */
  public static final int FLAG_COMPRESSED = 1 << 16;

  /** Flag bit 17: the file has markers (streamOptimized). */
  public static final int FLAG_MARKERS = 1 << 17;

  private static final int KNOWN_FLAGS =
      FLAG_VALID_NEWLINE_TEST
          | FLAG_REDUNDANT_GRAIN_TABLE
          | FLAG_ZEROED_GRAIN_GTE
          | FLAG_COMPRESSED
          | FLAG_MARKERS;

  /** gdOffset of streamOptimized files: the real value is in the footer. */
  public static final long GD_AT_END = -1L;

  /** '\n', ' ', '\r', '\n' as a little-endian uint32: what an undamaged file holds. */
  public static final int NEWLINE_CHECK_BYTES = 0x0a0d200a;

  // Field offsets, from the specification's C structure (packed, little-endian).
  private static final int OFF_MAGIC = 0;
  private static final int OFF_VERSION = 4;
  private static final int OFF_FLAGS = 8;
  private static final int OFF_CAPACITY = 12;
  private static final int OFF_GRAIN_SIZE = 20;
  private static final int OFF_DESCRIPTOR_OFFSET = 28;
  private static final int OFF_DESCRIPTOR_SIZE = 36;
  private static final int OFF_NUM_GTES_PER_GT = 44;
  private static final int OFF_RGD_OFFSET = 48;
  private static final int OFF_GD_OFFSET = 56;
  private static final int OFF_OVERHEAD = 64;
  private static final int OFF_UNCLEAN_SHUTDOWN = 72;
  private static final int OFF_NEWLINE_CHECK = 73;
  private static final int OFF_COMPRESS_ALGORITHM = 77;

  /**
   * Reads and checks a header.
   *
   * @param buffer at least {@link #SIZE} bytes, read from position 0 of the buffer
   * @param file named in error messages
   * @throws CorruptImageException when a field is out of range
   * @throws UnsupportedImageException when the file is a VMDK of another kind
   */
  public static SparseExtentHeader parse(ByteBuffer buffer, Path file) throws VmdkException {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    // Magic first: a text descriptor (monolithicFlat, split disks) is often shorter than a header.
    if (b.limit() >= 4 && b.getInt(OFF_MAGIC) != MAGIC) {
      throw wrongMagic(b, file);
    }
    if (b.limit() < SIZE) {
      throw new CorruptImageException(
          file, "header", "file too short for a VMDK header (" + b.limit() + " bytes, need 512)");
    }
    SparseExtentHeader h =
        new SparseExtentHeader(
            b.getInt(OFF_VERSION),
            b.getInt(OFF_FLAGS),
            b.getLong(OFF_CAPACITY),
            b.getLong(OFF_GRAIN_SIZE),
            b.getLong(OFF_DESCRIPTOR_OFFSET),
            b.getLong(OFF_DESCRIPTOR_SIZE),
            b.getInt(OFF_NUM_GTES_PER_GT),
            b.getLong(OFF_RGD_OFFSET),
            b.getLong(OFF_GD_OFFSET),
            b.getLong(OFF_OVERHEAD),
            b.get(OFF_UNCLEAN_SHUTDOWN) != 0,
            b.getInt(OFF_NEWLINE_CHECK),
            Short.toUnsignedInt(b.getShort(OFF_COMPRESS_ALGORITHM)));
    h.validate(file);
    return h;
  }

  private static VmdkException wrongMagic(ByteBuffer b, Path file) {
    byte[] start = new byte[4];
    b.get(0, start);
    String text = new String(start, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.equals("COWD")) {
      return new UnsupportedImageException(
          file, "header", "ESX vmfsSparse (COWD) extents are not supported");
    }
    if (text.startsWith("#") || text.equalsIgnoreCase("vers")) {
      return new UnsupportedImageException(
          file,
          "header",
          "this is a text descriptor (split or flat disk); only monolithicSparse disks are"
              + " supported so far");
    }
    return new CorruptImageException(
        file,
        "header",
        String.format(
            "not a VMDK sparse extent: wrong magic number (0x%08x, expected 0x%08x \"KDMV\")",
            b.getInt(OFF_MAGIC), MAGIC));
  }

  private void validate(Path file) throws VmdkException {
    if (version == 0) {
      throw new CorruptImageException(file, "header", "invalid version (0, expected 1 to 3)");
    }
    // version is a uint32: compare unsigned, as qemu does ("Unsupported VMDK version" above 3).
    if (Integer.compareUnsigned(version, 3) > 0) {
      throw new UnsupportedImageException(
          file,
          "header",
          "unknown version (" + Integer.toUnsignedString(version) + ", expected 1 to 3)");
    }
    int unknown = flags & ~KNOWN_FLAGS;
    if (unknown != 0) {
      throw new UnsupportedImageException(
          file, "header", String.format("unknown flags (0x%08x)", unknown));
    }
    if ((flags & FLAG_VALID_NEWLINE_TEST) != 0 && newlineCheck != NEWLINE_CHECK_BYTES) {
      throw new CorruptImageException(
          file,
          "header",
          "newline-detection bytes damaged, the file was probably copied in text mode (FTP ASCII)");
    }
    if (capacity <= 0 || capacity > Limits.MAX_HEADER_CAPACITY_SECTORS) {
      throw new CorruptImageException(
          file,
          "header",
          "capacity out of range ("
              + Long.toUnsignedString(capacity)
              + " sectors, expected 1 to "
              + Limits.MAX_HEADER_CAPACITY_SECTORS
              + ")");
    }
    if (grainSize < Limits.MIN_GRAIN_SIZE_SECTORS
        || grainSize > Limits.MAX_GRAIN_SIZE_SECTORS
        || Long.bitCount(grainSize) != 1) {
      throw new CorruptImageException(
          file,
          "header",
          "invalid grain size ("
              + Long.toUnsignedString(grainSize)
              + " sectors, expected a power of two from "
              + Limits.MIN_GRAIN_SIZE_SECTORS
              + " to "
              + Limits.MAX_GRAIN_SIZE_SECTORS
              + ")");
    }
    if (numGTEsPerGT < 1 || numGTEsPerGT > Limits.MAX_GTES_PER_GT) {
      throw new CorruptImageException(
          file,
          "header",
          "invalid number of entries per grain table ("
              + Integer.toUnsignedString(numGTEsPerGT)
              + ", expected 1 to "
              + Limits.MAX_GTES_PER_GT
              + ")");
    }
    if (descriptorOffset < 0 || descriptorSize < 0 || overHead < 0 || rgdOffset < 0) {
      throw new CorruptImageException(file, "header", "negative offset or size");
    }
    if ((descriptorOffset == 0) != (descriptorSize == 0)) {
      throw new CorruptImageException(
          file,
          "header",
          "descriptor offset and size disagree ("
              + descriptorOffset
              + ", "
              + descriptorSize
              + "; both or neither must be 0)");
    }
    if (descriptorSize > Limits.MAX_DESCRIPTOR_SECTORS) {
      throw new CorruptImageException(
          file,
          "header",
          "descriptor area too large ("
              + descriptorSize
              + " sectors, at most "
              + Limits.MAX_DESCRIPTOR_SECTORS
              + ")");
    }
    if (gdOffset != GD_AT_END && gdOffset <= 0) {
      throw new CorruptImageException(
          file, "header", "invalid grain directory offset (" + gdOffset + ")");
    }
  }

  /** True for streamOptimized files: compressed grains, markers, directory at the end. */
  public boolean isStreamOptimized() {
    return (flags & (FLAG_COMPRESSED | FLAG_MARKERS)) != 0
        || compressAlgorithm != 0
        || gdOffset == GD_AT_END;
  }

  /** True when the redundant grain directory is in use. */
  public boolean hasRedundantGrainDirectory() {
    return (flags & FLAG_REDUNDANT_GRAIN_TABLE) != 0;
  }

  /** True when grain table entry 1 means a grain of zeros. */
  public boolean hasZeroedGrainEntries() {
    return (flags & FLAG_ZEROED_GRAIN_GTE) != 0;
  }

  /** Virtual size in bytes. */
  public long capacityBytes() {
    return capacity * Limits.SECTOR_SIZE;
  }

  /** Bytes of one grain. */
  public long grainSizeBytes() {
    return grainSize * Limits.SECTOR_SIZE;
  }

  /** Virtual sectors covered by one grain table. */
  public long sectorsPerGrainTable() {
    return grainSize * numGTEsPerGT;
  }

  /** Entries in the grain directory: one per grain table needed to cover the capacity. */
  public long grainDirectoryEntries() {
    return ceilDiv(capacity, sectorsPerGrainTable());
  }

  /** Sectors one grain table takes on disk (tables start on a sector boundary). */
  public long grainTableSectors() {
    return ceilDiv((long) numGTEsPerGT * 4, Limits.SECTOR_SIZE);
  }

  /** Sectors the grain directory takes on disk. */
  public long grainDirectorySectors() {
    return ceilDiv(grainDirectoryEntries() * 4, Limits.SECTOR_SIZE);
  }

  /** Grains of the virtual disk (the last one may be partial). */
  public long grains() {
    return ceilDiv(capacity, grainSize);
  }

  /** Index in the grain directory of the table holding grain {@code grain}. */
  public long tableOf(long grain) {
    return grain / numGTEsPerGT;
  }

  /** Index of grain {@code grain}'s entry in its grain table. */
  public int entryOf(long grain) {
    return (int) (grain % numGTEsPerGT);
  }

  /** The grain that entry {@code entry} of grain table {@code table} describes. */
  public long grainOf(long table, int entry) {
    return table * numGTEsPerGT + entry;
  }

  /** The grain holding byte {@code byteOffset} of the virtual disk. */
  public long grainAt(long byteOffset) {
    return byteOffset / grainSizeBytes();
  }

  /** Bytes of the virtual disk in grain {@code grain}: a grain, less at the end, 0 beyond. */
  public long grainLength(long grain) {
    return Math.max(0, Math.min(grainSizeBytes(), capacityBytes() - grain * grainSizeBytes()));
  }

  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** Writes this header into 512 bytes at the buffer's position 0; the pad is zeroed. */
  public void writeTo(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < SIZE; i++) {
      b.put(i, (byte) 0);
    }
    b.putInt(OFF_MAGIC, MAGIC);
    b.putInt(OFF_VERSION, version);
    b.putInt(OFF_FLAGS, flags);
    b.putLong(OFF_CAPACITY, capacity);
    b.putLong(OFF_GRAIN_SIZE, grainSize);
    b.putLong(OFF_DESCRIPTOR_OFFSET, descriptorOffset);
    b.putLong(OFF_DESCRIPTOR_SIZE, descriptorSize);
    b.putInt(OFF_NUM_GTES_PER_GT, numGTEsPerGT);
    b.putLong(OFF_RGD_OFFSET, rgdOffset);
    b.putLong(OFF_GD_OFFSET, gdOffset);
    b.putLong(OFF_OVERHEAD, overHead);
    b.put(OFF_UNCLEAN_SHUTDOWN, (byte) (uncleanShutdown ? 1 : 0));
    b.putInt(OFF_NEWLINE_CHECK, newlineCheck);
    b.putShort(OFF_COMPRESS_ALGORITHM, (short) compressAlgorithm);
  }
}
