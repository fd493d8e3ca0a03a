package io.github.vmdkdelta.vmdk;

import io.github.vmdkdelta.vmdk.SparseExtentWriter.GrainState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies the grains a delta holds into its parent, so that the parent alone reads as the delta read
 * through it (what {@code qemu-img commit} does); for a split parent, the grains over one sparse
 * extent into that extent ({@link #checkExtent}). Only grains the delta has are touched: a data
 * grain the parent already has is overwritten in place, any other is appended to the parent and
 * entered in both of its grain tables. A zeroed grain of the delta becomes zeros in the parent:
 * nothing to do in a base that lacks the grain, entry 1 where the parent allows zeroed-grain
 * entries, zeros written in place, or a grain appended as a hole.
 *
 * <p>Grains are handled in order of their place on the disk, in batches: read the delta's grains of
 * a batch (adjacent ones in one read), write them to the parent, then, after a {@link
 * ExtentFile#barrier} (a force, for a plain file), the grain table entries that make them visible.
 * At the end the parent is forced. How a write is made safe is up to the {@link ExtentFile} given
 * to {@link #run}.
 */
public final class DeltaMerge implements ExtentMerge {
  /**
   * Bytes of grain data per batch by default: large enough for sequential throughput, small enough
   * to keep one buffer (and the undo record of one batch) in memory.
   */
  public static final int DEFAULT_BATCH_BYTES = 32 << 20;

  /** Grains per batch at most, whatever their kind, so that the list of one batch stays small. */
  static final int BATCH_GRAINS = 1 << 16;

  /** Receives the progress of a merge. */
  @FunctionalInterface
  public interface Progress {
    /** Ignores progress. */
    Progress NONE = (done, total) -> {};

    /**
     * Called after each batch.
     *
     * @param done bytes of the virtual disk merged so far
     * @param total bytes of the virtual disk the delta holds
     */
    void update(long done, long total);
  }

  /**
   * What a merge does or did.
   *
   * @param grains grains the delta holds (data and zeroed)
   * @param bytes bytes of the virtual disk they cover (the last grain may be partial)
   * @param bytesOverwritten bytes written over parent grains in place
   * @param grainsAppended grains appended to the parent (some as holes)
   * @param parentLength length of the parent file afterwards
   */
  public record Result(
      long grains, long bytes, long bytesOverwritten, long grainsAppended, long parentLength) {}

  private record Action(long grain, long source, long target, int length, boolean zeros) {}

  private final SparseExtent child;
  private final SparseExtent parent;
  private final boolean parentHasParent;
  private final long firstSector;
  private final long grains;
  private final long bytes;
  private final int batchBytes;

  private DeltaMerge(
      SparseExtent child,
      SparseExtent parent,
      boolean parentHasParent,
      long firstSector,
      long grains,
      long bytes,
      int batchBytes) {
    this.child = child;
    this.parent = parent;
    this.parentHasParent = parentHasParent;
    this.firstSector = firstSector;
    this.grains = grains;
    this.bytes = bytes;
    this.batchBytes = batchBytes;
  }

  /**
   * The same merge in batches of about {@code batchBytes} of grain data (a batch holds at least one
   * grain). Smaller batches force more often; tests use them to cut a merge into many steps.
   */
  @Override
  public DeltaMerge withBatchBytes(int batchBytes) {
    if (batchBytes <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchBytes);
    }
    return new DeltaMerge(child, parent, parentHasParent, firstSector, grains, bytes, batchBytes);
  }

  /**
   * Checks that {@code child} can be merged into {@code parent}: same capacity and grain size,
   * every grain of the child inside its file, every data grain of the parent after its metadata and
   * inside its file, no two parent entries sharing a grain (overwriting one would change the
   * other). Reads the grain tables of both files and nothing else.
   *
   * @param parentHasParent whether the parent is itself a delta (then a grain it lacks is not
   *     zeros)
   * @throws CorruptImageException when a table points where it must not
   * @throws UnsupportedImageException when the geometry differs or the parent cannot be written
   */
  public static DeltaMerge check(SparseExtent child, SparseExtent parent, boolean parentHasParent)
      throws IOException {
    SparseExtentHeader c = child.header();
    SparseExtentHeader p = parent.header();
    if (c.capacity() != p.capacity()) {
      throw new BrokenChainException(
          child.path(),
          "capacity",
          "differs from the parent's (" + c.capacity() + " sectors, parent " + p.capacity() + ")");
    }
    return checkExtent(child, parent, 0, parentHasParent);
  }

  /**
   * {@link #check} for one sparse extent of a split parent, which holds the virtual disk from
   * sector {@code firstSector} on: the grains of {@code child} over that part are merged into it,
   * at the same place relative to the extent's start.
   *
   * @throws UnsupportedImageException also as {@link #requireMergeable} says
   */
  public static DeltaMerge checkExtent(
      SparseExtent child, SparseExtent parent, long firstSector, boolean parentHasParent)
      throws IOException {
    requireMergeable(child, parent, firstSector);
    checkParentGrains(parent);
    long fromByte = firstSector * Limits.SECTOR_SIZE;
    DeltaGrains.Summary held =
        DeltaGrains.check(child, fromByte, fromByte + parent.header().capacityBytes());
    return new DeltaMerge(
        child,
        parent,
        parentHasParent,
        firstSector,
        held.grains(),
        held.bytes(),
        DEFAULT_BATCH_BYTES);
  }

  /**
   * Checks, from the headers alone, that grains of {@code child} can be merged into {@code parent},
   * an extent starting at virtual sector {@code firstSector}: the parent writable, the child not
   * compressed, the same grain size, and the extent starting and ending on a grain boundary (or at
   * the end of the disk), so that no grain of the child straddles two extents.
   *
   * @throws UnsupportedImageException when one of these does not hold
   * @throws BrokenChainException when the extent lies outside the child's capacity
   */
  public static void requireMergeable(SparseExtent child, SparseExtent parent, long firstSector)
      throws VmdkException {
    SparseExtentWriter.requireWritable(parent);
    DeltaGrains.requireMergeable(child);
    SparseExtentHeader c = child.header();
    SparseExtentHeader p = parent.header();
    if (c.grainSize() != p.grainSize()) {
      throw new UnsupportedImageException(
          child.path(),
          "header",
          "grain size differs from the parent's ("
              + c.grainSize()
              + " sectors, parent "
              + p.grainSize()
              + "); merging such disks is not supported");
    }
    long endSector = firstSector + p.capacity();
    DeltaGrains.requireInside(child, parent.path(), firstSector, endSector);
    if (firstSector % c.grainSize() != 0
        || (endSector % c.grainSize() != 0 && endSector != c.capacity())) {
      throw new UnsupportedImageException(
          parent.path(),
          "extent",
          "extent does not start and end on a grain boundary (sectors "
              + firstSector
              + " to "
              + endSector
              + ", grains of "
              + c.grainSize()
              + " sectors): a grain of the delta would straddle two sparse extents, and merging"
              + " into such a split disk is not supported");
    }
  }

  /** Every data grain of the parent inside its file and after its metadata, none shared. */
  private static void checkParentGrains(SparseExtent parent) throws IOException {
    SparseExtentHeader p = parent.header();
    long grainSize = p.grainSize();
    BitSet aligned = new BitSet();
    Set<Long> unaligned = new HashSet<>();
    try (FileChannel ch = FileChannel.open(parent.path(), StandardOpenOption.READ)) {
      int perTable = p.numGTEsPerGT();
      for (int t = 0; t < parent.grainDirectory().size(); t++) {
        if (parent.grainDirectory().tableSector(t) == 0) {
          continue;
        }
        GrainTable table = parent.readGrainTable(ch, t);
        for (int i = 0; i < perTable; i++) {
          long grain = (long) t * perTable + i;
          long length = lengthOf(p, grain);
          long entry = table.grainSector(i);
          if (length <= 0) {
            break; // entries past the capacity are never read
          }
          if (SparseExtentWriter.stateOf(p, entry) != GrainState.DATA) {
            continue;
          }
          SparseExtentWriter.checkDataGrain(parent, parent.fileSize(), grain, entry, length);
          boolean seen =
              entry % grainSize == 0
                  ? aligned.get((int) (entry / grainSize))
                  : !unaligned.add(entry);
          if (seen) {
            throw new CorruptImageException(
                parent.path(),
                "grain table",
                "two entries point at the same grain (sector " + entry + ", grain " + grain + ")");
          }
          if (entry % grainSize == 0) {
            aligned.set((int) (entry / grainSize));
          }
        }
      }
    }
  }

  /** Bytes of the virtual disk in grain {@code grain}: a grain, less at the end, 0 beyond. */
  private static long lengthOf(SparseExtentHeader h, long grain) {
    return Math.max(0, DeltaGrains.lengthOf(h, grain));
  }

  /** Grains the delta holds. */
  @Override
  public long grains() {
    return grains;
  }

  /** Bytes of the virtual disk the delta holds. */
  @Override
  public long bytes() {
    return bytes;
  }

  /**
   * Merges. With {@code childData} null nothing is read from the delta's grains and the regions
   * given to {@code parentFile} hold no meaningful bytes: a dry run, for an {@link ExtentFile} that
   * only counts what would be written.
   *
   * @param childData the delta, open for reading, or null for a dry run
   * @param parentFile the parent, for reading and writing
   */
  @Override
  public Result run(FileChannel childData, ExtentFile parentFile, Progress progress)
      throws IOException {
    SparseExtentWriter writer = new SparseExtentWriter(parent, parentFile);
    if (writer.originalSize() != parent.fileSize()) {
      throw new IOException(
          parent.path()
              + ": file changed size since it was checked ("
              + writer.originalSize()
              + " bytes, was "
              + parent.fileSize()
              + "); nothing was changed");
    }
    Batch batch = new Batch(writer, childData, progress);
    try (FileChannel tables = DeltaGrains.openTables(child, childData != null)) {
      long firstGrain = firstSector / child.header().grainSize();
      long fromByte = firstSector * Limits.SECTOR_SIZE;
      DeltaGrains.forEach(
          child,
          tables,
          fromByte,
          fromByte + parent.header().capacityBytes(),
          p -> batch.add(p.grain() - firstGrain, p.zeroed() ? -1 : p.sector(), p.length()));
    }
    batch.flush(Integer.MAX_VALUE);
    writer.finish();
    return new Result(
        batch.grainsDone, batch.bytesDone, batch.overwritten, batch.appended, writer.endOfFile());
  }

  /** The grains of one batch, and what has been done so far. */
  private final class Batch {
    final SparseExtentWriter writer;
    final FileChannel childData;
    final Progress progress;
    final List<Action> actions = new ArrayList<>();
    final long grainBytes;
    ByteBuffer buffer;
    ByteBuffer zeros;
    int buffered;
    long pendingBytes;
    long grainsDone;
    long bytesDone;
    long overwritten;
    long appended;

    Batch(SparseExtentWriter writer, FileChannel childData, Progress progress) {
      this.writer = writer;
      this.childData = childData;
      this.progress = progress;
      this.grainBytes = parent.header().grainSizeBytes();
    }

    /**
     * Plans one grain of the delta: {@code source} is its sector in the delta, -1 for a zeroed
     * grain.
     */
    void add(long grain, long source, int length) throws IOException {
      boolean data = source >= 0;
      if (actions.size() >= BATCH_GRAINS
          || (data && buffered > 0 && buffered + length > batchBytes)) {
        // Flush before this grain changes any entry: entries are written with their batch's data.
        flush(writer.tableIndex(grain));
      }
      long entry = writer.entry(grain);
      GrainState state = writer.stateOf(entry);
      if (state == GrainState.DATA) {
        // Inside the file as it was: never one of the grains appended by this merge.
        SparseExtentWriter.checkDataGrain(parent, writer.originalSize(), grain, entry, length);
        overwritten += length;
        actions.add(new Action(grain, source, entry, length, !data));
        if (data) {
          buffered += length;
        }
      } else if (data) {
        long target = writer.allocateGrain();
        appended++;
        writer.setEntry(grain, target);
        actions.add(new Action(grain, source, target, length, false));
        buffered += length;
      } else if (state == GrainState.UNALLOCATED && parentHasParent) {
        // The parent would show its own parent's grain here: hide it.
        if (writer.header().hasZeroedGrainEntries()) {
          writer.setEntry(grain, 1);
        } else {
          appended++;
          writer.setEntry(grain, writer.allocateGrain()); // a hole: reads as zeros
        }
      }
      // Otherwise the parent already reads zeros here: a zeroed grain, or a base lacking it.
      grainsDone++;
      pendingBytes += length;
    }

    /** Writes the batch's data, forces it, then its grain table entries. */
    void flush(int keepTablesFrom) throws IOException {
      List<ExtentFile.Region> regions = new ArrayList<>();
      if (buffered > 0 && (buffer == null || buffer.capacity() < buffered)) {
        buffer = ByteBuffer.allocateDirect(Math.max(buffered, (int) grainBytes));
      }
      int slot = 0;
      int i = 0;
      while (i < actions.size()) {
        Action first = actions.get(i);
        if (first.zeros()) {
          regions.add(new ExtentFile.Region(first.target() * Limits.SECTOR_SIZE, zeros(first)));
          i++;
          continue;
        }
        // A run of grains adjacent in the delta and in the parent: one read, one write.
        int start = slot;
        int j = i;
        long readEnd = first.source() * Limits.SECTOR_SIZE;
        long writeEnd = first.target() * Limits.SECTOR_SIZE;
        while (j < actions.size()) {
          Action a = actions.get(j);
          if (a.zeros()
              || a.source() * Limits.SECTOR_SIZE != readEnd
              || a.target() * Limits.SECTOR_SIZE != writeEnd) {
            break;
          }
          readEnd += a.length();
          writeEnd += a.length();
          slot += a.length();
          j++;
        }
        ByteBuffer run = buffer.duplicate().limit(slot).position(start).slice();
        if (childData != null) {
          ExtentFile.readFully(childData, first.source() * Limits.SECTOR_SIZE, run, child.path());
          run.flip();
        }
        regions.add(new ExtentFile.Region(first.target() * Limits.SECTOR_SIZE, run));
        i = j;
      }
      writer.write(regions);
      if (!regions.isEmpty()) {
        writer.barrier();
      }
      writer.flushTables(keepTablesFrom);
      actions.clear();
      buffered = 0;
      bytesDone += pendingBytes;
      pendingBytes = 0;
      progress.update(bytesDone, bytes);
    }

    private ByteBuffer zeros(Action a) {
      if (zeros == null) {
        zeros = ByteBuffer.allocateDirect((int) grainBytes);
      }
      return zeros.duplicate().limit(a.length()).slice();
    }
  }
}
