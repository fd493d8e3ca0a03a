package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.DeltaDescriptor;
import io.github.vmdkdelta.vmdk.ExtentFile;
import io.github.vmdkdelta.vmdk.GrainState;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtentWriter;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Writes the virtual disk that a {@link DiskChain} presents, into its leaf, as a VM (or {@code
 * qemu-io}) would: a grain the leaf has is changed in place; any other is given a new grain in the
 * leaf (through {@link SparseExtentWriter}, the code {@code commit} uses), filled first with what
 * the parents show there, so that a partial write keeps the rest of the grain. The leaf's CID is
 * changed on the first write, as qemu does: a delta made of the leaf before no longer matches it.
 *
 * <p>The leaf is written directly, with no undo; changes are durable after {@link #flush} or {@link
 * #close}. The parents are only read. Not safe for use by several threads.
 *
 * <p>Test code: it stands for the VM that writes to a delta after {@code make}, and writes around
 * the safe-file layer, so it is no part of the library (issue 15).
 */
public final class ChainWriter implements Closeable {
  private final DiskLayer leaf;
  private final FileChannel channel;
  private final SparseExtentWriter writer;
  private final ChainReader parents;
  private final RandomGenerator random;
  private final long capacityBytes;
  private final long grainBytes;
  private boolean cidChanged;

  private ChainWriter(
      DiskLayer leaf,
      FileChannel channel,
      SparseExtentWriter writer,
      ChainReader parents,
      RandomGenerator random) {
    this.leaf = leaf;
    this.channel = channel;
    this.writer = writer;
    this.parents = parents;
    this.random = random;
    this.capacityBytes = writer.extent().header().capacityBytes();
    this.grainBytes = writer.extent().header().grainSizeBytes();
  }

  /**
   * Opens the leaf of {@code chain} for writing and its parents for reading.
   *
   * @param random source of the leaf's new CID
   * @throws UnsupportedImageException when the leaf cannot be written (compressed, huge grains)
   */
  public static ChainWriter open(DiskChain chain, RandomGenerator random) throws IOException {
    DiskLayer leaf = chain.leaf();
    SparseExtentWriter.requireWritable(leaf.extent());
    FileChannel ch =
        FileChannel.open(leaf.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    ChainReader parents = null;
    try {
      if (chain.layers().size() > 1) {
        // The parents' chain, read afresh from the leaf's parent: it was checked when the caller
        // opened the chain, so its hints are followed as they are.
        parents = ChainReader.open(DiskChain.open(chain.layers().get(1).path(), true));
      }
      SparseExtentWriter writer =
          new SparseExtentWriter(leaf.extent(), ExtentFile.of(leaf.path(), ch));
      return new ChainWriter(leaf, ch, writer, parents, random);
    } catch (IOException | RuntimeException e) {
      if (parents != null) {
        parents.close();
      }
      ch.close();
      throw e;
    }
  }

  /** Size of the virtual disk in bytes. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * Writes {@code src[off..off+len)} at {@code byteOffset} of the virtual disk.
   *
   * @throws IndexOutOfBoundsException when the range reaches past the disk's capacity or {@code
   *     src}
   */
  public void write(long byteOffset, byte[] src, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, src.length);
    Objects.checkFromIndexSize(byteOffset, len, capacityBytes);
    if (len > 0 && !cidChanged) {
      changeCid();
    }
    while (len > 0) {
      long grain = byteOffset / grainBytes;
      int inGrain = (int) (byteOffset % grainBytes);
      int n = (int) Math.min(len, grainBytes - inGrain);
      writeInsideGrain(grain, inGrain, src, off, n);
      byteOffset += n;
      off += n;
      len -= n;
    }
  }

  private void writeInsideGrain(long grain, int inGrain, byte[] src, int off, int len)
      throws IOException {
    long entry = writer.entry(grain);
    GrainState state = writer.stateOf(entry);
    int grainLength = (int) Math.min(grainBytes, capacityBytes - grain * grainBytes);
    if (state == GrainState.DATA) {
      writer.checkDataGrain(grain, entry, grainLength);
      writer.write(
          List.of(
              new ExtentFile.Region(
                  entry * Limits.SECTOR_SIZE + inGrain, ByteBuffer.wrap(src, off, len))));
      return;
    }
    // A new grain: what the disk shows there now, with the new bytes over it.
    byte[] whole = new byte[grainLength];
    if (state == GrainState.UNALLOCATED && parents != null && len < grainLength) {
      parents.read(grain * grainBytes, whole, 0, grainLength);
    }
    System.arraycopy(src, off, whole, inGrain, len);
    long sector = writer.allocateGrain();
    writer.write(
        List.of(new ExtentFile.Region(sector * Limits.SECTOR_SIZE, ByteBuffer.wrap(whole))));
    writer.setEntry(grain, sector);
  }

  private void changeCid() throws IOException {
    ContentId cid;
    do {
      cid = ContentId.random(random);
    } while (cid.equals(leaf.cid()));
    var change =
        leaf.extent()
            .descriptorRewrite(DeltaDescriptor.withContentId(leaf.descriptor(), cid, random));
    writer.write(List.of(new ExtentFile.Region(change.offset(), ByteBuffer.wrap(change.after()))));
    cidChanged = true;
  }

  /** Forces the data written, then writes and forces the grain table entries that point at it. */
  public void flush() throws IOException {
    writer.force();
    writer.flushTables(0);
  }

  /** Flushes, gives the file its final length, and closes the files. */
  @Override
  public void close() throws IOException {
    try (FileChannel ch = channel;
        ChainReader p = parents) {
      writer.force();
      writer.finish();
    }
  }
}
