package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.GrainTable;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the virtual disk that a {@link DiskChain} presents: each grain comes from the first layer,
 * leaf to base, that has it; a grain no layer has reads as zeros. Files are opened read-only and
 * nothing is ever written.
 *
 * <p>CID links are not checked here (see {@link DiskChain#cidMismatch()}): a reader may want to
 * look at a broken chain. An instance is not safe for use by several threads at once.
 */
public final class ChainReader implements Closeable {
  /**
   * Grain tables kept in memory per layer. One table of 512 entries takes 2 KiB and covers 32 MiB
   * of the disk, so 32 tables cover 1 GiB for 64 KiB; with {@link Limits#MAX_CHAIN_DEPTH} layers
   * the cache stays under 16 MiB.
   */
  static final int CACHED_TABLES_PER_LAYER = 32;

  private final List<Layer> layers;
  private final long capacityBytes;
  private final long chunkBytes;

  private ChainReader(List<Layer> layers, long capacityBytes) {
    this.layers = layers;
    this.capacityBytes = capacityBytes;
    // Grain sizes are powers of two, so a chunk aligned to the smallest one lies inside one grain
    // of every layer, whatever grain size each layer has.
    this.chunkBytes = layers.stream().mapToLong(l -> l.header.grainSizeBytes()).min().orElseThrow();
  }

  /**
   * Opens every layer of {@code chain} for reading.
   *
   * @throws IOException when a layer cannot be opened; the ones already opened are closed
   */
  public static ChainReader open(DiskChain chain) throws IOException {
    List<Layer> layers = new ArrayList<>();
    try {
      for (DiskLayer disk : chain.layers()) {
        layers.add(
            new Layer(disk.extent(), FileChannel.open(disk.path(), StandardOpenOption.READ)));
      }
    } catch (IOException | RuntimeException e) {
      closeAll(layers, e);
      throw e;
    }
    return new ChainReader(List.copyOf(layers), chain.leaf().extent().header().capacityBytes());
  }

  /** Size of the virtual disk in bytes. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * Reads {@code len} bytes of the virtual disk, starting at {@code byteOffset}, into {@code
   * dst[off..off+len)}.
   *
   * @throws IndexOutOfBoundsException when the range reaches past the disk's capacity or {@code
   *     dst}
   * @throws CorruptImageException when a grain table points outside its file
   * @throws IOException when a file cannot be read
   */
  public void read(long byteOffset, byte[] dst, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, dst.length);
    Objects.checkFromIndexSize(byteOffset, len, capacityBytes);
    while (len > 0) {
      int n = (int) Math.min(len, chunkBytes - byteOffset % chunkBytes);
      readInsideGrain(byteOffset, dst, off, n);
      byteOffset += n;
      off += n;
      len -= n;
    }
  }

  /** Reads a range that lies inside one grain of every layer. */
  private void readInsideGrain(long byteOffset, byte[] dst, int off, int len) throws IOException {
    for (Layer layer : layers) {
      long sector = layer.grainSector(byteOffset);
      if (sector == 0) {
        continue; // not in this layer: ask the parent
      }
      if (sector == 1 && layer.header.hasZeroedGrainEntries()) {
        break; // a zeroed grain hides whatever the parents hold
      }
      layer.readGrainData(sector, byteOffset, dst, off, len);
      return;
    }
    Arrays.fill(dst, off, off + len, (byte) 0);
  }

  /** Closes the files of every layer. */
  @Override
  public void close() throws IOException {
    closeAll(layers, null);
  }

  private static void closeAll(List<Layer> layers, Throwable pending) throws IOException {
    IOException first = null;
    for (Layer layer : layers) {
      try {
        layer.channel.close();
      } catch (IOException e) {
        if (pending != null) {
          pending.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** One open layer and its recently used grain tables. */
  private static final class Layer {
    final SparseExtent extent;
    final SparseExtentHeader header;
    final FileChannel channel;
    final long fileSize;
    final Map<Long, GrainTable> tables =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, GrainTable> eldest) {
            return size() > CACHED_TABLES_PER_LAYER;
          }
        };

    Layer(SparseExtent extent, FileChannel channel) throws IOException {
      this.extent = extent;
      this.header = extent.header();
      this.channel = channel;
      this.fileSize = channel.size();
    }

    /** The grain table entry for the grain holding {@code byteOffset}. */
    long grainSector(long byteOffset) throws IOException {
      long sector = byteOffset / Limits.SECTOR_SIZE;
      long tableIndex = sector / header.sectorsPerGrainTable();
      GrainTable table = tables.get(tableIndex);
      if (table == null) {
        // The index is below the directory's size: the chain's capacities all agree and the
        // caller checked the range against the capacity.
        table = extent.readGrainTable(channel, Math.toIntExact(tableIndex));
        tables.put(tableIndex, table);
      }
      return table.grainSector((int) (sector / header.grainSize() % header.numGTEsPerGT()));
    }

    /** Reads from the grain at {@code grainSector} the bytes for the virtual range given. */
    void readGrainData(long grainSector, long byteOffset, byte[] dst, int off, int len)
        throws IOException {
      // grainSector is an unsigned 32-bit value and the offset inside a grain is below 1 GiB:
      // the sum cannot overflow.
      long position = grainSector * Limits.SECTOR_SIZE + byteOffset % header.grainSizeBytes();
      if (position + len > fileSize) {
        throw new CorruptImageException(
            extent.path(),
            "grain table",
            "grain of virtual byte "
                + byteOffset
                + " lies outside the file (sector "
                + grainSector
                + ", file has "
                + fileSize / Limits.SECTOR_SIZE
                + " sectors)");
      }
      ByteBuffer b = ByteBuffer.wrap(dst, off, len);
      while (b.hasRemaining()) {
        if (channel.read(b, position + (b.position() - off)) < 0) {
          throw new EOFException(extent.path() + ": file shrank while it was being read");
        }
      }
    }
  }
}
