package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.GrainDirectory;
import io.github.vmdkdelta.vmdk.GrainEntries;
import io.github.vmdkdelta.vmdk.GrainTableReader;
import io.github.vmdkdelta.vmdk.SharedGrains;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One pass over every grain table of a sparse extent: counts its allocated and zeroed grains and,
 * when asked, checks its layout the way {@code qemu-img check} does and more: both directories
 * agree, every grain lies inside the file after the metadata, no two grains share sectors ({@link
 * SharedGrains}), no metadata structures overlap ({@link LayoutCheck}).
 *
 * <p>The work is bounded: tables are read in index order through two windows of {@link
 * GrainTableReader#sequential} (one per directory), so the tables that qemu and VMware lay out one
 * after the other are read sequentially in large reads; memory is one bit per grain-sized slot of
 * the file, plus one long per grain table.
 */
final class ExtentScan {
  /**
   * What the scan counted.
   *
   * @param allocatedGrains grains whose data is in this file (entries of 2 or more; an entry of 1
   *     without the zeroed-grain flag counts too, since readers take it as a sector)
   * @param zeroedGrains entries that mark a zeroed grain (1, with the header's zeroed-grain flag)
   */
  record Stats(long allocatedGrains, long zeroedGrains) {}

  private final SparseExtent extent;
  private final SparseExtentHeader h;
  private final Path path;
  private final long capacityGrains;
  private final boolean zeroedFlag;
  private final Problems problems;
  private final LayoutCheck layout;
  private final SharedGrains shared;
  private long allocated;
  private long zeroed;

  private ExtentScan(SparseExtent extent, Problems problems) {
    this.extent = extent;
    this.h = extent.header();
    this.path = extent.path();
    this.capacityGrains = h.grains();
    this.zeroedFlag = h.hasZeroedGrainEntries();
    this.problems = problems;
    this.layout = problems == null ? null : new LayoutCheck(extent, problems);
    this.shared = problems == null ? null : new SharedGrains(h, Problems.MAX_REPORTED_PER_KIND);
  }

  /** Counts the grains of {@code extent}; checks nothing. */
  static Stats count(SparseExtent extent) throws IOException {
    return new ExtentScan(extent, null).run();
  }

  /** Counts the grains of {@code extent} and adds what is wrong with its layout to {@code out}. */
  static Stats check(SparseExtent extent, List<Problem> out) throws IOException {
    Problems problems = new Problems(extent.path());
    Stats stats = new ExtentScan(extent, problems).run();
    problems.drainTo(out);
    return stats;
  }

  private boolean checking() {
    return problems != null;
  }

  private Stats run() throws IOException {
    GrainDirectory gd = extent.grainDirectory();
    Optional<GrainDirectory> rgd = checking() ? extent.redundantGrainDirectory() : Optional.empty();
    int n = h.numGTEsPerGT();
    int[] table = new int[n];
    int[] copy = new int[n];
    int[] noEntries = new int[n];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      GrainTableReader tables = GrainTableReader.sequential(extent, ch);
      GrainTableReader redundantTables =
          rgd.isPresent() ? GrainTableReader.sequential(extent, ch) : null;
      for (int i = 0; i < gd.size(); i++) {
        if (!gd.hasTable(i) && (rgd.isEmpty() || !rgd.get().hasTable(i))) {
          continue; // no table in either directory: nothing to read or compare
        }
        tables.readAt(gd.tableSector(i), table);
        if (rgd.isPresent()) {
          compareRedundant(i, gd, rgd.get(), redundantTables, table, copy);
        }
        if (Arrays.equals(table, noEntries)) {
          continue; // a table written but empty (or a hole), as qemu-img creates them all
        }
        for (int j = 0; j < n; j++) {
          long entry = Integer.toUnsignedLong(table[j]);
          if (entry != GrainEntries.UNALLOCATED) {
            entry(h.grainOf(i, j), entry);
          }
        }
      }
      if (checking()) {
        reportShared(tables);
      }
    }
    return new Stats(allocated, zeroed);
  }

  /** Counts and checks one entry that is not {@link GrainEntries#UNALLOCATED}. */
  private void entry(long grain, long entry) {
    if (grain >= capacityGrains) {
      if (checking()) {
        problems.add(
            "beyond",
            Problem.warning(
                path,
                "grain table",
                "entry for grain "
                    + grain
                    + " lies beyond the disk's capacity but is set (sector "
                    + entry
                    + ", expected 0; readers ignore it)"));
      }
      return;
    }
    if (entry == GrainEntries.ZEROED && zeroedFlag) {
      zeroed++;
      return;
    }
    allocated++;
    if (!checking()) {
      return;
    }
    long need = h.grainLength(grain);
    String misplaced = GrainEntries.misplacement(h, extent.fileSize(), grain, entry, need);
    if (misplaced != null) {
      problems.add(
          entry < h.overHead() ? "metadata" : "eof", Problem.error(path, "grain table", misplaced));
      return;
    }
    layout.checkGrain(grain, entry);
    if ((entry & (h.grainSize() - 1)) != 0) { // grain sizes are powers of two
      problems.add(
          "unaligned",
          Problem.warning(
              path,
              "grain table",
              "grain "
                  + grain
                  + " is not on a grain boundary (sector "
                  + entry
                  + ", expected a multiple of "
                  + h.grainSize()
                  + "); readers cope, but qemu and VMware never write this"));
    }
    shared.add(grain, entry);
  }

  /**
   * Compares grain table {@code i} with its redundant copy. The table has already been read into
   * {@code table}; {@code copy} is scratch space.
   */
  private void compareRedundant(
      int i,
      GrainDirectory gd,
      GrainDirectory rgd,
      GrainTableReader redundantTables,
      int[] table,
      int[] copy)
      throws IOException {
    long sector = gd.tableSector(i);
    long redundantSector = rgd.tableSector(i);
    if (gd.hasTable(i) != rgd.hasTable(i)) {
      problems.add(
          "rgd",
          Problem.error(
              path,
              "redundant grain directory",
              "entry "
                  + i
                  + " disagrees with the grain directory (grain table at sector "
                  + redundantSector
                  + ", grain directory has "
                  + sector
                  + "; 0 means none)"));
      return;
    }
    if (!gd.hasTable(i)) {
      return;
    }
    redundantTables.readAt(redundantSector, copy);
    int first = Arrays.mismatch(table, copy);
    if (first < 0) {
      return;
    }
    int differing = 0;
    for (int j = first; j < table.length; j++) {
      if (table[j] != copy[j]) {
        differing++;
      }
    }
    problems.add(
        "rgt",
        Problem.error(
            path,
            "redundant grain table",
            "grain table "
                + i
                + " and its redundant copy differ in "
                + differing
                + (differing == 1 ? " entry" : " entries")
                + " (entry "
                + first
                + ": sector "
                + Integer.toUnsignedLong(copy[first])
                + " in the copy, "
                + Integer.toUnsignedLong(table[first])
                + " in the grain table)"));
  }

  /** Reports grains sharing sectors, naming the grains a second pass over the tables finds. */
  private void reportShared(GrainTableReader tables) throws IOException {
    if (shared.unalignedOverflow()) {
      problems.add(
          "unaligned-overflow",
          Problem.warning(
              path,
              "grain table",
              "more than "
                  + SharedGrains.MAX_UNALIGNED_TRACKED
                  + " grains off a grain boundary; overlaps among the rest were not checked"));
    }
    List<SharedGrains.Conflict> conflicts = shared.finish(extent, tables);
    for (SharedGrains.Conflict c : conflicts) {
      problems.add("shared", Problem.error(path, "grain table", c.describe()));
    }
    problems.addUncounted("shared", shared.total() - conflicts.size());
  }
}
