package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.FileChangedException;
import io.github.vmdkdelta.vmdk.GrainEntries;
import io.github.vmdkdelta.vmdk.GrainState;
import io.github.vmdkdelta.vmdk.GrainTable;
import io.github.vmdkdelta.vmdk.GrainTableReader;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one disk of a chain, whatever its extents are: sparse, flat or zero. Files are opened
 * read-only when first needed (a split disk may have a thousand) and kept open until {@link
 * #close}.
 */
final class LayerReader implements Closeable {
  /** What a layer holds for a range of the virtual disk. */
  enum Answer {
    /** The bytes were read into the buffer. */
    DATA,
    /** The range reads as zeros, whatever the parents hold. */
    ZEROS,
    /** The layer does not hold the range: ask the parent. */
    ABSENT
  }

  private final List<Piece> pieces;
  private final long[] firstBytes;

  LayerReader(DiskLayer layer) {
    pieces = new ArrayList<>();
    firstBytes = new long[layer.extents().size()];
    for (int i = 0; i < firstBytes.length; i++) {
      LayerExtent e = layer.extents().get(i);
      firstBytes[i] = e.firstSector() * Limits.SECTOR_SIZE;
      pieces.add(
          e.isZero()
              ? new ZeroPiece(e)
              : e.isFlat() ? new FlatPiece(e) : new SparsePiece(e.sparse().orElseThrow()));
    }
  }

  /**
   * The number of bytes from {@code byteOffset} that this layer answers alike: up to the end of the
   * grain, or of the extent for flat and zero extents.
   */
  long run(long byteOffset) {
    int i = indexOf(byteOffset);
    return pieces.get(i).run(byteOffset - firstBytes[i]);
  }

  /** Reads a range inside one {@link #run}, or says the layer does not hold it. */
  Answer read(long byteOffset, byte[] dst, int off, int len) throws IOException {
    int i = indexOf(byteOffset);
    return pieces.get(i).read(byteOffset - firstBytes[i], dst, off, len);
  }

  private int indexOf(long byteOffset) {
    int i = Arrays.binarySearch(firstBytes, byteOffset);
    return i >= 0 ? i : -i - 2;
  }

  @Override
  public void close() throws IOException {
    CloseAll.close(pieces);
  }

  /** One extent being read; offsets are relative to its start. */
  private abstract static class Piece implements Closeable {
    private final Path file;
    private FileChannel channel;

    Piece(Path file) {
      this.file = file;
    }

    abstract long run(long byteOffset);

    abstract Answer read(long byteOffset, byte[] dst, int off, int len) throws IOException;

    FileChannel channel() throws IOException {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      }
      return channel;
    }

    void readFully(long position, byte[] dst, int off, int len) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(dst, off, len);
      while (b.hasRemaining()) {
        if (channel().read(b, position + (b.position() - off)) < 0) {
          throw FileChangedException.shrank(file);
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static final class ZeroPiece extends Piece {
    private final long size;

    ZeroPiece(LayerExtent e) {
      super(null);
      size = e.sectors() * Limits.SECTOR_SIZE;
    }

    @Override
    long run(long byteOffset) {
      return size - byteOffset;
    }

    @Override
    Answer read(long byteOffset, byte[] dst, int off, int len) {
      return Answer.ZEROS;
    }
  }

  private static final class FlatPiece extends Piece {
    private final long size;
    private final long start;

    FlatPiece(LayerExtent e) {
      super(e.file().orElseThrow());
      size = e.sectors() * Limits.SECTOR_SIZE;
      start = e.flatStartByte();
    }

    @Override
    long run(long byteOffset) {
      return size - byteOffset;
    }

    @Override
    Answer read(long byteOffset, byte[] dst, int off, int len) throws IOException {
      readFully(start + byteOffset, dst, off, len);
      return Answer.DATA;
    }
  }

  /**
   * Grain tables kept in memory per sparse extent. One table of 512 entries takes 2 KiB and covers
   * 32 MiB of the disk, so 32 tables cover 1 GiB for 64 KiB.
   */
  static final int CACHED_TABLES_PER_EXTENT = 32;

  private static final class SparsePiece extends Piece {
    private final SparseExtent extent;
    private final SparseExtentHeader header;
    private long fileSize = -1;
    private GrainTableReader reader;
    private final Map<Long, GrainTable> tables =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, GrainTable> eldest) {
            return size() > CACHED_TABLES_PER_EXTENT;
          }
        };

    SparsePiece(SparseExtent extent) {
      super(extent.path());
      this.extent = extent;
      this.header = extent.header();
    }

    @Override
    long run(long byteOffset) {
      long grain = header.grainSizeBytes();
      return Math.min(grain - byteOffset % grain, header.capacityBytes() - byteOffset);
    }

    @Override
    Answer read(long byteOffset, byte[] dst, int off, int len) throws IOException {
      long sector = grainSector(byteOffset);
      GrainState state = GrainEntries.stateOf(header, sector);
      if (state == GrainState.UNALLOCATED) {
        return Answer.ABSENT;
      }
      if (state == GrainState.ZEROED) {
        return Answer.ZEROS;
      }
      // sector is an unsigned 32-bit value and the offset inside a grain is below 1 GiB: the sum
      // cannot overflow.
      long position = sector * Limits.SECTOR_SIZE + byteOffset % header.grainSizeBytes();
      if (fileSize < 0) {
        fileSize = channel().size();
      }
      if (position + len > fileSize) {
        throw new CorruptImageException(
            extent.path(),
            "grain table",
            "grain of extent byte "
                + byteOffset
                + " lies outside the file (sector "
                + sector
                + ", file has "
                + fileSize / Limits.SECTOR_SIZE
                + " sectors)");
      }
      readFully(position, dst, off, len);
      return Answer.DATA;
    }

    /** The grain table entry for the grain holding {@code byteOffset}. */
    private long grainSector(long byteOffset) throws IOException {
      long grain = header.grainAt(byteOffset);
      long tableIndex = header.tableOf(grain);
      GrainTable table = tables.get(tableIndex);
      if (table == null) {
        if (reader == null) {
          reader = GrainTableReader.of(extent, channel());
        }
        // The index is below the directory's size: the extent's capacity was checked against its
        // extent line, and the caller stays inside the extent.
        table = reader.table(Math.toIntExact(tableIndex));
        tables.put(tableIndex, table);
      }
      return table.grainSector(header.entryOf(grain));
    }
  }
}
