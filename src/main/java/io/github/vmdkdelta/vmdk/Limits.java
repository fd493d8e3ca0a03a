package io.github.vmdkdelta.vmdk;

/**
 * Bounds every value read from an image is checked against before it is used to seek or allocate.
 * Each one says where it comes from.
 */
public final class Limits {
  private Limits() {}

  /** Bytes in a sector: every offset and size in a sparse extent header counts in sectors. */
  public static final int SECTOR_SIZE = 512;

  /**
   * Largest capacity of one sparse extent, in sectors: grain table entries are 32-bit sector
   * numbers, and qemu {@code block/vmdk.c} caps an extent at {@code VMDK_EXTENT_MAX_SECTORS} (2
   * TiB). qemu-img 7.2 creates a 2 TiB monolithicSparse file, so exactly 2^32 is accepted.
   */
  public static final long MAX_CAPACITY_SECTORS = 1L << 32;

  /**
   * Largest capacity a header can mean, in sectors: its size in bytes must fit a signed 64-bit
   * offset, as in qemu ({@code BDRV_MAX_LENGTH}) and every reader. Up to it, a capacity above
   * {@link #MAX_CAPACITY_SECTORS} is a valid file (qemu-img creates 4 TiB ones) this tool does not
   * handle; past it, the header lies.
   */
  public static final long MAX_HEADER_CAPACITY_SECTORS = Long.MAX_VALUE / SECTOR_SIZE;

  /**
   * Smallest grain, in sectors: the VMware spec asks for a power of two of at least 4 KiB.
   * Everything known writes 128 (64 KiB).
   */
  public static final long MIN_GRAIN_SIZE_SECTORS = 8;

  /**
   * Largest grain read, in sectors: qemu refuses more ("Invalid granularity", 1 GiB). A larger
   * grain size is a lying header.
   */
  public static final long MAX_GRAIN_SIZE_SECTORS = 0x200000;

  /**
   * Largest grain written or merged, in sectors (8 MiB): a grain is buffered whole. qemu and VMware
   * write 128 (64 KiB); the format allows up to {@link #MAX_GRAIN_SIZE_SECTORS}, which no known
   * writer uses, so an extent with larger grains is read but never changed.
   */
  public static final long MAX_WRITTEN_GRAIN_SIZE_SECTORS = 16384;

  /** Largest sector a grain table entry can hold: entries are unsigned 32-bit numbers. */
  public static final long MAX_ENTRY_SECTOR = 0xffffffffL;

  /** Most entries in one grain table: qemu refuses more ("L2 table size too big"). */
  public static final int MAX_GTES_PER_GT = 512;

  /**
   * Largest embedded descriptor area we read, in sectors (1 MiB). Writers reserve 20 sectors; a
   * larger value is a lying header, and the area is read into memory whole.
   */
  public static final long MAX_DESCRIPTOR_SECTORS = 2048;

  /**
   * Most grain directory entries: qemu refuses more ("L1 size too big"). With the capacity cap and
   * the smallest geometry allowed here the real maximum is far lower; this bounds allocation.
   */
  public static final long MAX_GD_ENTRIES = 32L * 1024 * 1024;

  /**
   * Deepest chain followed, counting the leaf. VMware Workstation allows a few dozen snapshots;
   * this is far above any real chain and stops a hostile one from using unbounded memory.
   */
  public static final int MAX_CHAIN_DEPTH = 255;
}
