package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.GrainDirectory;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pass over every grain table of a sparse extent: counts its allocated and zeroed grains and,
 * when asked, checks its layout the way {@code qemu-img check} does and more: both directories
 * agree, every grain lies inside the file after the metadata, no two grains share sectors, no
 * metadata structures overlap.
 *
 * <p>The work is bounded: tables are read in index order through two 1 MiB windows (one per
 * directory), so the tables that qemu and VMware lay out one after the other are read sequentially
 * in large reads; memory is one bit per grain-sized slot of the file, plus one long per grain
 * table.
 */
final class ExtentScan {
  /** Bytes read at once from the tables; 512 tables of the usual 2 KiB. */
  static final int WINDOW_BYTES = 1 << 20;

  /** Problems of one kind reported per file; the rest are counted in one last line. */
  static final int MAX_REPORTED_PER_KIND = 10;

  /**
   * Grains not on a grain boundary that are remembered to check them for overlaps (16 MiB of
   * memory). No known writer makes any; past this a warning says the check was cut short.
   */
  static final int MAX_UNALIGNED_TRACKED = 1 << 21;

  /**
   * Grain tables (of both directories) whose placement is checked for overlaps: 8 bytes each, 64
   * MiB at most. 4 KiB grains with 512-entry tables at 2 TiB need 2 Mi; only a file with very small
   * tables has more, and then a warning says the check was skipped.
   */
  static final int MAX_TABLES_CHECKED = 1 << 23;

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
  private final long fileSize;
  private final long grainSize;
  // The header parser accepts only powers of two: the hot loop shifts instead of dividing.
  private final int grainShift;
  private final long capacityGrains;
  private final boolean zeroedFlag;
  private final Problems problems;

  /** Header, descriptor and directories when they reach past overHead, where grains may lie. */
  private final List<Region> lateFixed = new ArrayList<>();

  private ExtentScan(SparseExtent extent, Problems problems) {
    this.extent = extent;
    this.h = extent.header();
    this.path = extent.path();
    this.fileSize = extent.fileSize();
    this.grainSize = h.grainSize();
    this.grainShift = Long.numberOfTrailingZeros(grainSize);
    this.capacityGrains = ceilDiv(h.capacity(), grainSize);
    this.zeroedFlag = h.hasZeroedGrainEntries();
    this.problems = problems;
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
    long[] tables = checking() ? checkMetadata(gd, rgd) : null;
    long metadataEnd = tables == null ? 0 : lateMetadataEnd(tables);
    int n = h.numGTEsPerGT();
    int[] table = new int[n];
    int[] copy = new int[n];
    int[] noEntries = new int[n];
    // One bit per grain-sized slot of the file; grains start below 2^32 sectors (32-bit entries).
    BitSet slots = new BitSet();
    long[] unaligned = new long[0];
    int unalignedCount = 0;
    boolean unalignedOverflow = false;
    Conflicts conflicts = new Conflicts();
    long allocated = 0;
    long zeroed = 0;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long tableBytes = 4L * n;
      Window window = new Window(ch, gd.size() * tableBytes);
      Window redundantWindow = rgd.isPresent() ? new Window(ch, gd.size() * tableBytes) : null;
      for (int i = 0; i < gd.size(); i++) {
        if (gd.tableSector(i) == 0 && (rgd.isEmpty() || rgd.get().tableSector(i) == 0)) {
          continue; // no table in either directory: nothing to read or compare
        }
        window.table(gd.tableSector(i), table);
        if (rgd.isPresent()) {
          compareRedundant(
              i, gd.tableSector(i), rgd.get().tableSector(i), redundantWindow, table, copy);
        }
        if (Arrays.equals(table, noEntries)) {
          continue; // a table written but empty (or a hole), as qemu-img creates them all
        }
        for (int j = 0; j < n; j++) {
          long entry = Integer.toUnsignedLong(table[j]);
          if (entry == 0) {
            continue;
          }
          long grain = (long) i * n + j;
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
            continue;
          }
          if (entry == 1 && zeroedFlag) {
            zeroed++;
            continue;
          }
          allocated++;
          if (!checking()) {
            continue;
          }
          long need = Math.min(grainSize, h.capacity() - grain * grainSize);
          if (entry < h.overHead()) {
            problems.add(
                "metadata",
                Problem.error(
                    path,
                    "grain table",
                    "grain "
                        + grain
                        + " points into the metadata (sector "
                        + entry
                        + ", grains start at sector "
                        + h.overHead()
                        + ")"));
            continue;
          }
          if ((entry + need) * Limits.SECTOR_SIZE > fileSize) {
            problems.add(
                "eof",
                Problem.error(
                    path,
                    "grain table",
                    "grain "
                        + grain
                        + " lies past the end of the file (sector "
                        + entry
                        + ", "
                        + need
                        + " sectors; file has "
                        + fileSize / Limits.SECTOR_SIZE
                        + " sectors)"));
            continue;
          }
          if (entry < metadataEnd) {
            checkAgainstTables(grain, entry, tables);
          }
          // Indexed: the interpreter and C1 (the launcher's JIT) would allocate an iterator per
          // grain.
          for (int k = 0; k < lateFixed.size(); k++) {
            Region r = lateFixed.get(k);
            if (r.overlaps(new Region(entry, entry + grainSize, ""))) {
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
                          + entry
                          + ", "
                          + r.name
                          + " at sector "
                          + r.start
                          + ")"));
            }
          }
          if ((entry & (grainSize - 1)) != 0) {
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
                        + grainSize
                        + "); readers cope, but qemu and VMware never write this"));
            if (unalignedCount < MAX_UNALIGNED_TRACKED) {
              if (unalignedCount == unaligned.length) {
                unaligned = Arrays.copyOf(unaligned, Math.max(16, 2 * unalignedCount));
              }
              // sector < 2^32 and grain < 2^30 (capacity <= 2^32 sectors, grains >= 8 sectors)
              unaligned[unalignedCount++] = entry << 30 | grain;
            } else {
              unalignedOverflow = true;
            }
            continue;
          }
          int slot = (int) (entry >>> grainShift);
          if (slots.get(slot)) {
            conflicts.add(entry, grain, entry);
          } else {
            slots.set(slot);
          }
        }
      }
      if (checking()) {
        if (unalignedOverflow) {
          problems.add(
              "unaligned-overflow",
              Problem.warning(
                  path,
                  "grain table",
                  "more than "
                      + MAX_UNALIGNED_TRACKED
                      + " grains off a grain boundary; overlaps among the rest were not checked"));
        }
        overlapsOfUnaligned(Arrays.copyOf(unaligned, unalignedCount), slots, conflicts);
        reportConflicts(conflicts, gd, window, table);
      }
    }
    return new Stats(allocated, zeroed);
  }

  /**
   * Compares grain table {@code i} with its redundant copy. The table has already been read into
   * {@code table}; {@code copy} is scratch space.
   */
  private void compareRedundant(
      int i, long sector, long redundantSector, Window window, int[] table, int[] copy)
      throws IOException {
    if ((sector == 0) != (redundantSector == 0)) {
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
    if (sector == 0) {
      return;
    }
    window.table(redundantSector, copy);
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

  /**
   * Checks that header, descriptor, both directories and every grain table occupy separate sectors.
   * Returns the grain tables as {@code sector << 26 | index << 1 | redundant}, sorted, or an empty
   * array when there are too many to check.
   */
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
      count +=
          (gd.tableSector(i) != 0 ? 1 : 0)
              + (rgd.isPresent() && rgd.get().tableSector(i) != 0 ? 1 : 0);
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
    long[] tables = new long[(int) count];
    int k = 0;
    for (int i = 0; i < gd.size(); i++) {
      // index < 2^25 (Limits.MAX_GD_ENTRIES) and sector < 2^32: the packing cannot overflow.
      if (gd.tableSector(i) != 0) {
        tables[k++] = gd.tableSector(i) << 26 | (long) i << 1;
      }
      if (rgd.isPresent() && rgd.get().tableSector(i) != 0) {
        tables[k++] = rgd.get().tableSector(i) << 26 | (long) i << 1 | 1;
      }
    }
    Arrays.sort(tables);
    long tableSectors = h.grainTableSectors();
    for (int t = 0; t + 1 < tables.length; t++) {
      if ((tables[t + 1] >>> 26) < (tables[t] >>> 26) + tableSectors) {
        reportOverlap(tableRegion(tables[t]), tableRegion(tables[t + 1]));
      }
    }
    for (Region r : fixed) {
      // The first table that could reach into r starts after r.start - tableSectors.
      int t = firstTableFrom(tables, Math.max(0, r.start - tableSectors + 1));
      for (; t < tables.length && (tables[t] >>> 26) < r.end; t++) {
        reportOverlap(r, tableRegion(tables[t]));
      }
    }
    return tables;
  }

  /** End of the grain tables that reach past overHead, where grains may start; 0 if none. */
  private long lateMetadataEnd(long[] tables) {
    long end = 0;
    for (long t : tables) {
      end = Math.max(end, (t >>> 26) + h.grainTableSectors());
    }
    return end > h.overHead() ? end : 0;
  }

  /** Reports the grain tables that share sectors with grain {@code grain} at {@code sector}. */
  private void checkAgainstTables(long grain, long sector, long[] tables) {
    long tableSectors = h.grainTableSectors();
    int t = firstTableFrom(tables, Math.max(0, sector - tableSectors + 1));
    for (; t < tables.length && (tables[t] >>> 26) < sector + grainSize; t++) {
      Region table = tableRegion(tables[t]);
      problems.add(
          "grain-metadata",
          Problem.error(
              path,
              "grain table",
              "grain "
                  + grain
                  + " overlaps "
                  + table.name
                  + " (grain at sector "
                  + sector
                  + ", table at sector "
                  + table.start
                  + ")"));
    }
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

  /** Finds grains off a grain boundary that share sectors with another grain. */
  private void overlapsOfUnaligned(long[] sorted, BitSet slots, Conflicts conflicts) {
    Arrays.sort(sorted);
    for (int k = 0; k < sorted.length; k++) {
      long sector = sorted[k] >>> 30;
      long grain = sorted[k] & ((1L << 30) - 1);
      if (k + 1 < sorted.length && (sorted[k + 1] >>> 30) < sector + grainSize) {
        conflicts.add(sector, grain, sorted[k + 1] >>> 30, sorted[k + 1] & ((1L << 30) - 1));
      }
      // An unaligned grain covers part of two slots; a grain on a boundary in either overlaps it.
      long slot = sector / grainSize;
      for (long s = slot; s <= slot + 1; s++) {
        if (s < Integer.MAX_VALUE && slots.get((int) s)) {
          conflicts.add(sector, grain, s * grainSize);
        }
      }
    }
  }

  /** Reports grains sharing sectors, naming the grains a second pass over the tables finds. */
  private void reportConflicts(Conflicts conflicts, GrainDirectory gd, Window window, int[] table)
      throws IOException {
    if (conflicts.total == 0) {
      return;
    }
    List<long[]> shown = conflicts.kept;
    Map<Long, Long> owners = new HashMap<>();
    for (long[] c : shown) {
      if (c.length == 3) {
        owners.put(c[2], -1L);
      }
    }
    if (!owners.isEmpty()) {
      // Second pass: the first grain pointing at each sector of interest is its owner.
      int n = h.numGTEsPerGT();
      for (int i = 0; i < gd.size(); i++) {
        window.table(gd.tableSector(i), table);
        for (int j = 0; j < n; j++) {
          Long sector = Integer.toUnsignedLong(table[j]);
          long grain = (long) i * n + j;
          if (grain < capacityGrains && owners.get(sector) != null && owners.get(sector) < 0) {
            owners.put(sector, grain);
          }
        }
      }
    }
    for (long[] c : shown) {
      long grainB = c.length == 4 ? c[3] : owners.get(c[2]);
      String message =
          c[0] == c[2]
              ? "grains "
                  + grainB
                  + " and "
                  + c[1]
                  + " point at the same grain (sector "
                  + c[0]
                  + ")"
              : "grains "
                  + grainB
                  + " and "
                  + c[1]
                  + " overlap in the file (sectors "
                  + c[2]
                  + " and "
                  + c[0]
                  + ", "
                  + grainSize
                  + " sectors each)";
      problems.add("shared", Problem.error(path, "grain table", message));
    }
    problems.addUncounted("shared", conflicts.total - shown.size());
  }

  /**
   * Pairs of grains that share sectors: {@code {sectorA, grainA, sectorB}} when grain B is not
   * known yet (the first grain at sectorB, found by a second pass) or {@code {sectorA, grainA,
   * sectorB, grainB}}. Only the ones that will be reported are kept: a file whose every entry
   * points at one grain must not fill the memory.
   */
  private static final class Conflicts {
    final List<long[]> kept = new ArrayList<>();
    long total;

    void add(long... conflict) {
      if (kept.size() < MAX_REPORTED_PER_KIND) {
        kept.add(conflict);
      }
      total++;
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** A range of sectors [start, end) holding one metadata structure. */
  private record Region(long start, long end, String name) {
    boolean overlaps(Region o) {
      return start < o.end && o.start < end;
    }
  }

  /**
   * Reads grain tables through a window of {@link #WINDOW_BYTES}: tables laid out one after the
   * other, as every known writer puts them, cost one read per window, not one per table. Tables
   * scattered over the file would make each table cost a whole window, so whole windows stop once
   * four times the tables' own bytes have been read that way; then each table is read alone.
   */
  private final class Window {
    private final FileChannel ch;
    // Direct: a read into a heap buffer would go through a temporary direct one, copied twice.
    private final ByteBuffer buffer =
        ByteBuffer.allocateDirect(WINDOW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final IntBuffer entries = buffer.asIntBuffer();
    private long start = -1;
    private int length;
    private long budget;

    /**
     * @param tablesBytes bytes of all the tables this window will read
     */
    Window(FileChannel ch, long tablesBytes) {
      this.ch = ch;
      this.budget = 4 * tablesBytes + 2L * WINDOW_BYTES;
    }

    /** Reads the table at {@code sector} into {@code dst}; sector 0 gives an empty table. */
    void table(long sector, int[] dst) throws IOException {
      if (sector == 0) {
        Arrays.fill(dst, 0);
        return;
      }
      long position = sector * Limits.SECTOR_SIZE;
      int bytes = dst.length * 4;
      if (start < 0 || position < start || position + bytes > start + length) {
        fill(position, bytes);
      }
      // Tables start on a sector boundary, so the entries are whole ints of the view.
      entries.get((int) (position - start) / 4, dst);
    }

    private void fill(long position, int bytes) throws IOException {
      // The parser checked that every table lies inside the file, so at least `bytes` remain.
      length = bytes;
      if (budget >= WINDOW_BYTES) {
        length = (int) Math.max(bytes, Math.min(WINDOW_BYTES, fileSize - position));
        budget -= length;
      }
      buffer.clear().limit(length);
      while (buffer.hasRemaining()) {
        if (ch.read(buffer, position + buffer.position()) < 0) {
          throw new EOFException(path + ": file shrank while it was being checked");
        }
      }
      start = position;
    }
  }

  /** Problems of one file, at most {@link #MAX_REPORTED_PER_KIND} of each kind. */
  static final class Problems {
    private final Path path;
    private final Map<String, List<Problem>> byKind = new LinkedHashMap<>();
    private final Map<String, Long> dropped = new HashMap<>();

    Problems(Path path) {
      this.path = path;
    }

    void add(String kind, Problem p) {
      List<Problem> list = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
      if (list.size() < MAX_REPORTED_PER_KIND) {
        list.add(p);
      } else {
        dropped.merge(kind, 1L, Long::sum);
      }
    }

    void addUncounted(String kind, long count) {
      if (count > 0) {
        dropped.merge(kind, count, Long::sum);
      }
    }

    void drainTo(List<Problem> out) {
      for (Map.Entry<String, List<Problem>> e : byKind.entrySet()) {
        out.addAll(e.getValue());
        long more = dropped.getOrDefault(e.getKey(), 0L);
        if (more > 0) {
          Problem last = e.getValue().get(e.getValue().size() - 1);
          out.add(
              new Problem(
                  path, last.what(), "and " + more + " more like the one above", last.severity()));
        }
      }
    }
  }
}
