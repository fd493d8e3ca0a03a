package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.GrainDirectory;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks that the metadata of a sparse extent occupy separate sectors: header, descriptor, both
 * grain directories and every grain table, and no grain over any of them ({@link #checkGrain}).
 * Memory is one long per grain table.
 */
final class LayoutCheck {
  /**
   * Grain tables (of both directories) whose placement is checked for overlaps: 8 bytes each, 64
   * MiB at most. 4 KiB grains with 512-entry tables at 2 TiB need 2 Mi; only a file with very small
   * tables has more, and then a warning says the check was skipped.
   */
  static final int MAX_TABLES_CHECKED = 1 << 23;

  private final SparseExtentHeader h;
  private final Path path;
  private final Problems problems;

  /** Header, descriptor and directories when they reach past overHead, where grains may lie. */
  private final List<Region> lateFixed = new ArrayList<>();

  /**
   * The grain tables as {@code sector << 26 | index << 1 | redundant}, sorted, or empty when there
   * are too many to check.
   */
  private final long[] tables;

  /** End of the grain tables that reach past overHead, where grains may start; 0 if none. */
  private final long lateTablesEnd;

  /** Checks the metadata of {@code extent}, adding what overlaps to {@code problems}. */
  LayoutCheck(SparseExtent extent, Problems problems) {
    this.h = extent.header();
    this.path = extent.path();
    this.problems = problems;
    this.tables = checkMetadata(extent.grainDirectory(), extent.redundantGrainDirectory());
    long end = 0;
    for (long t : tables) {
      end = Math.max(end, (t >>> 26) + h.grainTableSectors());
    }
    this.lateTablesEnd = end > h.overHead() ? end : 0;
  }

  /** Reports the metadata that data grain {@code grain} at {@code sector} shares sectors with. */
  void checkGrain(long grain, long sector) {
    if (sector < lateTablesEnd) {
      checkAgainstTables(grain, sector);
    }
    // Indexed: the interpreter and C1 (the launcher's JIT) would allocate an iterator per grain.
    for (int k = 0; k < lateFixed.size(); k++) {
      Region r = lateFixed.get(k);
      if (r.overlaps(new Region(sector, sector + h.grainSize(), ""))) {
        reportGrainOverlap(grain, sector, r, r.name);
      }
    }
  }

  private long[] checkMetadata(GrainDirectory gd, Optional<GrainDirectory> rgd) {
    List<Region> fixed = new ArrayList<>();
    fixed.add(new Region(0, 1, "the header"));
    if (h.descriptorOffset() != 0) {
      fixed.add(
          new Region(
              h.descriptorOffset(),
              h.descriptorOffset() + h.descriptorSize(),
              "the embedded descriptor"));
    }
    fixed.add(
        new Region(h.gdOffset(), h.gdOffset() + h.grainDirectorySectors(), "the grain directory"));
    if (rgd.isPresent()) {
      fixed.add(
          new Region(
              h.rgdOffset(),
              h.rgdOffset() + h.grainDirectorySectors(),
              "the redundant grain directory"));
    }
    for (Region r : fixed) {
      if (r.end > h.overHead()) {
        lateFixed.add(r);
      }
    }
    for (int a = 0; a < fixed.size(); a++) {
      for (int b = a + 1; b < fixed.size(); b++) {
        if (fixed.get(a).overlaps(fixed.get(b))) {
          reportOverlap(fixed.get(a), fixed.get(b));
        }
      }
    }
    long count = 0;
    for (int i = 0; i < gd.size(); i++) {
      count += (gd.hasTable(i) ? 1 : 0) + (rgd.isPresent() && rgd.get().hasTable(i) ? 1 : 0);
    }
    if (count > MAX_TABLES_CHECKED) {
      problems.add(
          "tables-overflow",
          Problem.warning(
              path,
              "grain directory",
              "too many grain tables to check their placement ("
                  + count
                  + ", at most "
                  + MAX_TABLES_CHECKED
                  + ")"));
      return new long[0];
    }
    long[] sorted = new long[(int) count];
    int k = 0;
    for (int i = 0; i < gd.size(); i++) {
      // index < 2^25 (Limits.MAX_GD_ENTRIES) and sector < 2^32: the packing cannot overflow.
      if (gd.hasTable(i)) {
        sorted[k++] = gd.tableSector(i) << 26 | (long) i << 1;
      }
      if (rgd.isPresent() && rgd.get().hasTable(i)) {
        sorted[k++] = rgd.get().tableSector(i) << 26 | (long) i << 1 | 1;
      }
    }
    Arrays.sort(sorted);
    long tableSectors = h.grainTableSectors();
    for (int t = 0; t + 1 < sorted.length; t++) {
      if ((sorted[t + 1] >>> 26) < (sorted[t] >>> 26) + tableSectors) {
        reportOverlap(tableRegion(sorted[t]), tableRegion(sorted[t + 1]));
      }
    }
    for (Region r : fixed) {
      // The first table that could reach into r starts after r.start - tableSectors.
      int t = firstTableFrom(sorted, Math.max(0, r.start - tableSectors + 1));
      for (; t < sorted.length && (sorted[t] >>> 26) < r.end; t++) {
        reportOverlap(r, tableRegion(sorted[t]));
      }
    }
    return sorted;
  }

  /** Reports the grain tables that share sectors with grain {@code grain} at {@code sector}. */
  private void checkAgainstTables(long grain, long sector) {
    long tableSectors = h.grainTableSectors();
    int t = firstTableFrom(tables, Math.max(0, sector - tableSectors + 1));
    for (; t < tables.length && (tables[t] >>> 26) < sector + h.grainSize(); t++) {
      reportGrainOverlap(grain, sector, tableRegion(tables[t]), "table");
    }
  }

  /**
   * Reports that grain {@code grain} at {@code sector} overlaps {@code r}, called {@code
   * shortName}.
   */
  private void reportGrainOverlap(long grain, long sector, Region r, String shortName) {
    problems.add(
        "grain-metadata",
        Problem.error(
            path,
            "grain table",
            "grain "
                + grain
                + " overlaps "
                + r.name
                + " (grain at sector "
                + sector
                + ", "
                + shortName
                + " at sector "
                + r.start
                + ")"));
  }

  private static int firstTableFrom(long[] tables, long sector) {
    int at = Arrays.binarySearch(tables, sector << 26);
    return at >= 0 ? at : -at - 1;
  }

  private Region tableRegion(long packed) {
    long sector = packed >>> 26;
    long index = (packed >>> 1) & ((1L << 25) - 1);
    String name = ((packed & 1) != 0 ? "redundant grain table " : "grain table ") + index;
    return new Region(sector, sector + h.grainTableSectors(), name);
  }

  private void reportOverlap(Region a, Region b) {
    problems.add(
        "metadata-overlap",
        Problem.error(
            path,
            "layout",
            a.name
                + " and "
                + b.name
                + " overlap (sectors "
                + a.start
                + " to "
                + (a.end - 1)
                + " and "
                + b.start
                + " to "
                + (b.end - 1)
                + ")"));
  }

  /** A range of sectors [start, end) holding one metadata structure. */
  private record Region(long start, long end, String name) {
    boolean overlaps(Region o) {
      return start < o.end && o.start < end;
    }
  }
}
