package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.CorruptImageException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
  private final List<LayerReader> layers;
  private final long capacityBytes;
  private boolean closed;

  private ChainReader(List<LayerReader> layers, long capacityBytes) {
    this.layers = layers;
    this.capacityBytes = capacityBytes;
  }

  /** Opens every layer of {@code chain} for reading. Files are opened when first read. */
  public static ChainReader open(DiskChain chain) {
    List<LayerReader> layers = new ArrayList<>();
    for (DiskLayer disk : chain.layers()) {
      layers.add(new LayerReader(disk));
    }
    return new ChainReader(List.copyOf(layers), chain.leaf().capacityBytes());
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
    if (closed) {
      throw new ClosedChannelException();
    }
    while (len > 0) {
      int n = len;
      for (LayerReader layer : layers) {
        n = (int) Math.min(n, layer.run(byteOffset));
      }
      readAlike(byteOffset, dst, off, n);
      byteOffset += n;
      off += n;
      len -= n;
    }
  }

  /** Reads a range that every layer answers alike (one grain, one extent). */
  private void readAlike(long byteOffset, byte[] dst, int off, int len) throws IOException {
    for (LayerReader layer : layers) {
      switch (layer.read(byteOffset, dst, off, len)) {
        case DATA:
          return;
        case ZEROS:
          Arrays.fill(dst, off, off + len, (byte) 0);
          return;
        case ABSENT:
          break; // not in this layer: ask the parent
      }
    }
    Arrays.fill(dst, off, off + len, (byte) 0);
  }

  /** Closes the files of every layer. */
  @Override
  public void close() throws IOException {
    closed = true;
    CloseAll.close(layers);
  }
}
