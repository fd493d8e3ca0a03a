package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Copies the grains a delta holds into its parent, so that the parent alone reads as the delta read
 * through it (what {@code qemu-img commit} does); for a split parent, the grains over one sparse
 * extent into that extent ({@link #checkExtent}). Only grains the delta has are touched: a data
 * grain the parent already has is overwritten in place, any other is appended to the parent and
 * entered in both of its grain tables. A zeroed grain of the delta becomes zeros in the parent:
 * nothing to do in a base that lacks the grain, entry 1 where the parent allows zeroed-grain
 * entries, zeros written in place, or a grain appended as a hole.
 *
 * <p>Grains are handled in order of their place on the disk, in batches ({@link MergeBatch}): read
 * the delta's grains of a batch (adjacent ones in one read), write them to the parent, then, after
 * a {@link ExtentFile#barrier} (a force, for a plain file), the grain table entries that make them
 * visible. At the end the parent is forced. How a write is made safe is up to the {@link
 * ExtentFile} given to {@link #run}.
 */
public final class DeltaMerge implements ExtentMerge {
  /**
   * Bytes of grain data per batch by default: large enough for sequential throughput, small enough
   * to keep one buffer (and the undo record of one batch) in memory.
   */
  public static final int DEFAULT_BATCH_BYTES = 32 << 20;

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

  private final SparseExtent child;
  private final SparseExtent parent;
  private final boolean parentHasParent;
  private final long firstSector;
  private final DeltaGrains.Summary held;
  private final int batchBytes;

  private DeltaMerge(
      SparseExtent child,
      SparseExtent parent,
      boolean parentHasParent,
      long firstSector,
      DeltaGrains.Summary held,
      int batchBytes) {
    this.child = child;
    this.parent = parent;
    this.parentHasParent = parentHasParent;
    this.firstSector = firstSector;
    this.held = held;
    this.batchBytes = batchBytes;
  }

  /**
   * The same merge in batches of about {@code batchBytes} of grain data (a batch holds at least one
   * grain). Smaller batches force more often; tests use them to cut a merge into many steps.
   */
  @Override
  public DeltaMerge withBatchBytes(int batchBytes) {
    return new DeltaMerge(
        child, parent, parentHasParent, firstSector, held, MergeBatch.requirePositive(batchBytes));
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
    return new DeltaMerge(child, parent, parentHasParent, firstSector, held, DEFAULT_BATCH_BYTES);
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

  /**
   * Every data grain of the parent inside its file and after its metadata, none shared ({@link
   * SharedGrains}, the check {@code check} makes).
   */
  private static void checkParentGrains(SparseExtent parent) throws IOException {
    SparseExtentHeader p = parent.header();
    SharedGrains shared = new SharedGrains(p, 1);
    try (FileChannel ch = FileChannel.open(parent.path(), StandardOpenOption.READ)) {
      GrainTableReader reader = GrainTableReader.sequential(parent, ch);
      int[] table = new int[reader.entries()];
      for (int t = 0; t < parent.grainDirectory().size(); t++) {
        if (!parent.grainDirectory().hasTable(t)) {
          continue;
        }
        reader.readAt(parent.grainDirectory().tableSector(t), table);
        for (int i = 0; i < table.length; i++) {
          long grain = p.grainOf(t, i);
          long length = p.grainLength(grain);
          long entry = Integer.toUnsignedLong(table[i]);
          if (length <= 0) {
            break; // entries past the capacity are never read
          }
          if (GrainEntries.stateOf(p, entry) == GrainState.DATA) {
            GrainEntries.checkDataGrain(parent, parent.fileSize(), grain, entry, length);
            shared.add(grain, entry);
          }
        }
      }
      if (shared.unalignedOverflow()) {
        throw new UnsupportedImageException(
            parent.path(),
            "grain table",
            "more than "
                + SharedGrains.MAX_UNALIGNED_TRACKED
                + " grains off a grain boundary: too many to check that none overlap");
      }
      List<SharedGrains.Conflict> conflicts = shared.finish(parent, reader);
      if (!conflicts.isEmpty()) {
        throw new CorruptImageException(parent.path(), "grain table", conflicts.get(0).describe());
      }
    }
  }

  @Override
  public DeltaGrains.Summary held() {
    return held;
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
    FileChangedException.requireSize(parent.path(), writer.originalSize(), parent.fileSize());
    Planner planner =
        new Planner(writer, new MergeBatch(child, childData, batchBytes, held.bytes(), progress));
    try (FileChannel tables = DeltaGrains.openTables(child, childData != null)) {
      long firstGrain = firstSector / child.header().grainSize();
      long fromByte = firstSector * Limits.SECTOR_SIZE;
      DeltaGrains.forEach(
          child,
          tables,
          fromByte,
          fromByte + parent.header().capacityBytes(),
          p -> planner.add(p.grain() - firstGrain, p));
    }
    planner.flush(Integer.MAX_VALUE);
    writer.finish();
    MergeBatch batch = planner.batch;
    return new Result(
        batch.grainsDone(),
        batch.bytesDone(),
        planner.overwritten,
        planner.appended,
        writer.endOfFile());
  }

  /** Decides, grain by grain, what the parent needs, into batches. */
  private final class Planner {
    final SparseExtentWriter writer;
    final MergeBatch batch;
    long overwritten;
    long appended;

    Planner(SparseExtentWriter writer, MergeBatch batch) {
      this.writer = writer;
      this.batch = batch;
    }

    /** Plans grain {@code grain} of the parent, which holds piece {@code piece} of the delta. */
    void add(long grain, DeltaGrains.Piece piece) throws IOException {
      boolean data = !piece.zeroed();
      int length = piece.length();
      if (batch.isFull(data, length)) {
        // Flush before this grain changes any entry: entries are written with their batch's data.
        flush(writer.tableIndex(grain));
      }
      long entry = writer.entry(grain);
      GrainState state = writer.stateOf(entry);
      if (state == GrainState.DATA) {
        // Inside the file as it was: never one of the grains appended by this merge.
        GrainEntries.checkDataGrain(parent, writer.originalSize(), grain, entry, length);
        overwritten += length;
        write(piece, entry);
      } else if (data) {
        long target = writer.allocateGrain();
        appended++;
        writer.setEntry(grain, target);
        write(piece, target);
      } else if (state == GrainState.UNALLOCATED && parentHasParent) {
        // The parent would show its own parent's grain here: hide it.
        if (writer.header().hasZeroedGrainEntries()) {
          writer.setEntry(grain, GrainEntries.ZEROED);
        } else {
          appended++;
          writer.setEntry(grain, writer.allocateGrain()); // a hole: reads as zeros
        }
      }
      // Otherwise the parent already reads zeros here: a zeroed grain, or a base lacking it.
      batch.grainDone(length);
    }

    private void write(DeltaGrains.Piece piece, long targetSector) {
      long target = targetSector * Limits.SECTOR_SIZE;
      if (piece.zeroed()) {
        batch.zeros(target, piece.length());
      } else {
        batch.copy(piece.sourceByte(), target, piece.length());
      }
    }

    /** Writes the batch's data, orders it before its grain table entries, then writes those. */
    void flush(int keepTablesFrom) throws IOException {
      batch.flush(
          regions -> {
            writer.write(regions);
            if (!regions.isEmpty()) {
              writer.barrier();
            }
            writer.flushTables(keepTablesFrom);
          });
    }
  }
}
