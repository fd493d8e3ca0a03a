package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lays out a new, empty monolithicSparse extent the way qemu-img and VMware do (qemu {@code
 * block/vmdk.c}, {@code vmdk_init_extent}): header, descriptor, redundant grain directory, its
 * grain tables, grain directory, its grain tables, padding to a grain. Only the header, the
 * descriptor and the two directories hold data; the grain tables are all zero and stay holes, so a
 * 2 TiB delta costs its directories (256 KiB each), not 256 MiB of zeros.
 */
public final class DeltaExtentBuilder {
  /** Sectors qemu and VMware reserve for the embedded descriptor. */
  static final long DEFAULT_DESCRIPTOR_SECTORS = 20;

  /** 64 KiB grains, as qemu-img and VMware write them. */
  public static final long DEFAULT_GRAIN_SECTORS = 128;

  /** 512 entries per grain table, as qemu-img and VMware write them. */
  public static final int DEFAULT_GTES_PER_GT = 512;

  private DeltaExtentBuilder() {}

  /**
   * The file image of an empty sparse extent with the grain geometry of {@code like} (a sparse
   * extent of the parent, so that grains line up), or qemu's and VMware's default without one.
   *
   * @param capacity virtual size in sectors
   * @param descriptorText the embedded descriptor, without NUL padding
   */
  public static SparseFileImage build(
      long capacity, Optional<SparseExtentHeader> like, byte[] descriptorText) {
    return build(
        capacity,
        like.map(SparseExtentHeader::grainSize).orElse(DEFAULT_GRAIN_SECTORS),
        like.map(SparseExtentHeader::numGTEsPerGT).orElse(DEFAULT_GTES_PER_GT),
        descriptorText);
  }

  /**
   * The file image of an empty sparse extent.
   *
   * @param capacity virtual size in sectors
   * @param grainSize sectors per grain (the parent's)
   * @param numGTEsPerGT entries per grain table (the parent's)
   * @param descriptorText the embedded descriptor, without NUL padding
   */
  public static SparseFileImage build(
      long capacity, long grainSize, int numGTEsPerGT, byte[] descriptorText) {
    long descriptorSectors =
        Math.max(
            DEFAULT_DESCRIPTOR_SECTORS,
            SparseExtentHeader.ceilDiv(descriptorText.length + 1L, Limits.SECTOR_SIZE));
    long descriptorOffset = 1;
    long rgdOffset = descriptorOffset + descriptorSectors;
    // Compute the directory geometry from a provisional header, so there is one formula for it.
    SparseExtentHeader geometry =
        header(capacity, grainSize, numGTEsPerGT, descriptorOffset, descriptorSectors, 0, 0, 0);
    long gdSectors = geometry.grainDirectorySectors();
    long gtSectors = geometry.grainTableSectors();
    long tables = geometry.grainDirectoryEntries();
    long gdOffset = rgdOffset + gdSectors + gtSectors * tables;
    long end = gdOffset + gdSectors + gtSectors * tables;
    long overHead = SparseExtentHeader.ceilDiv(end, grainSize) * grainSize;
    SparseExtentHeader header =
        header(
            capacity,
            grainSize,
            numGTEsPerGT,
            descriptorOffset,
            descriptorSectors,
            rgdOffset,
            gdOffset,
            overHead);

    List<SparseFileImage.Region> regions = new ArrayList<>();
    ByteBuffer headerBytes = ByteBuffer.allocate(SparseExtentHeader.SIZE);
    header.writeTo(headerBytes);
    regions.add(new SparseFileImage.Region(0, headerBytes.array()));
    regions.add(
        new SparseFileImage.Region(descriptorOffset * Limits.SECTOR_SIZE, descriptorText.clone()));
    regions.add(directory(rgdOffset, gdSectors, gtSectors, tables));
    regions.add(directory(gdOffset, gdSectors, gtSectors, tables));
    return new SparseFileImage(overHead * Limits.SECTOR_SIZE, regions);
  }

  private static SparseExtentHeader header(
      long capacity,
      long grainSize,
      int numGTEsPerGT,
      long descriptorOffset,
      long descriptorSectors,
      long rgdOffset,
      long gdOffset,
      long overHead) {
    return new SparseExtentHeader(
        1,
        SparseExtentHeader.FLAG_VALID_NEWLINE_TEST | SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE,
        capacity,
        grainSize,
        descriptorOffset,
        descriptorSectors,
        numGTEsPerGT,
        rgdOffset,
        gdOffset,
        overHead,
        false,
        SparseExtentHeader.NEWLINE_CHECK_BYTES,
        0);
  }

  /** A directory whose tables follow it back to back. */
  private static SparseFileImage.Region directory(
      long offset, long gdSectors, long gtSectors, long tables) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.toIntExact(gdSectors * Limits.SECTOR_SIZE))
            .order(ByteOrder.LITTLE_ENDIAN);
    long table = offset + gdSectors;
    for (int i = 0; i < tables; i++) {
      b.putInt(i * 4, Math.toIntExact(table));
      table += gtSectors;
    }
    return new SparseFileImage.Region(offset * Limits.SECTOR_SIZE, b.array());
  }
}
