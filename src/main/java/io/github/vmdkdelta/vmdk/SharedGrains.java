package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds data grains of one sparse extent that share sectors of its file: two entries pointing at
 * the same grain, or a grain off a grain boundary overlapping another. Writing one such grain would
 * change the other, so {@code check} reports them and {@code commit} refuses to write into them.
 *
 * <p>Grains are {@link #add}ed in any order, then {@link #finish} pairs them up and names, by a
 * second pass over the tables, the grain first seen at each sector involved. Memory: one bit per
 * grain-sized slot of the file (grains start below 2^32 sectors, entries being 32-bit), 8 bytes per
 * grain off a grain boundary, and only the conflicts that will be reported.
 */
public final class SharedGrains {
  /**
   * Grains not on a grain boundary that are remembered to check them for overlaps (16 MiB of
   * memory). No known writer makes any; past this {@link #unalignedOverflow} says the check was cut
   * short.
   */
  public static final int MAX_UNALIGNED_TRACKED = 1 << 21;

  /**
   * Two grains sharing sectors.
   *
   * @param grain the grain found second
   * @param sector its sector
   * @param otherGrain the grain found first (the first grain at {@code otherSector})
   * @param otherSector its sector: {@code sector} for two entries pointing at the same grain
   * @param grainSize sectors per grain
   */
  public record Conflict(
      long grain, long sector, long otherGrain, long otherSector, long grainSize) {
    /** The conflict in words, for a message about the grain table. */
    public String describe() {
      return sector == otherSector
          ? "grains "
              + otherGrain
              + " and "
              + grain
              + " point at the same grain (sector "
              + sector
              + ")"
          : "grains "
              + otherGrain
              + " and "
              + grain
              + " overlap in the file (sectors "
              + otherSector
              + " and "
              + sector
              + ", "
              + grainSize
              + " sectors each)";
    }
  }

  /** Owner not known yet: found by the second pass. */
  private static final long UNKNOWN = -1;

  private final SparseExtentHeader header;
  private final long grainSize;
  // The header parser accepts only powers of two: the hot path shifts instead of dividing.
  private final int grainShift;
  private final int maxKept;
  private final BitSet slots = new BitSet();
  private final List<long[]> kept = new ArrayList<>();
  private long[] unaligned = new long[0];
  private int unalignedCount;
  private boolean unalignedOverflow;
  private long total;

  /**
   * @param maxKept conflicts kept to be named; the others are only counted
   */
  public SharedGrains(SparseExtentHeader header, int maxKept) {
    this.header = header;
    this.grainSize = header.grainSize();
    this.grainShift = Long.numberOfTrailingZeros(grainSize);
    this.maxKept = maxKept;
  }

  /**
   * Notes data grain {@code grain} at {@code sector}, found to lie after the metadata and inside
   * the file.
   */
  public void add(long grain, long sector) {
    if ((sector & (grainSize - 1)) != 0) {
      if (unalignedCount < MAX_UNALIGNED_TRACKED) {
        if (unalignedCount == unaligned.length) {
          unaligned = Arrays.copyOf(unaligned, Math.max(16, 2 * unalignedCount));
        }
        // sector < 2^32 and grain < 2^30 (capacity <= 2^32 sectors, grains >= 8 sectors)
        unaligned[unalignedCount++] = sector << 30 | grain;
      } else {
        unalignedOverflow = true;
      }
      return;
    }
    int slot = (int) (sector >>> grainShift);
    if (slots.get(slot)) {
      conflict(sector, grain, sector, UNKNOWN);
    } else {
      slots.set(slot);
    }
  }

  /** True when more than {@link #MAX_UNALIGNED_TRACKED} grains were off a grain boundary. */
  public boolean unalignedOverflow() {
    return unalignedOverflow;
  }

  /**
   * The conflicts kept, each grain named: pairs the grains off a grain boundary with the others,
   * then reads the grain directory's tables again through {@code reader} when a grain found first
   * is not known. Call once, after the last {@link #add}.
   */
  public List<Conflict> finish(SparseExtent extent, GrainTableReader reader) throws IOException {
    overlapsOfUnaligned();
    Map<Long, Long> owners = new HashMap<>();
    for (long[] c : kept) {
      if (c[3] == UNKNOWN) {
        owners.put(c[2], UNKNOWN);
      }
    }
    if (!owners.isEmpty()) {
      findOwners(extent, reader, owners);
    }
    List<Conflict> conflicts = new ArrayList<>();
    for (long[] c : kept) {
      long other = c[3] == UNKNOWN ? owners.get(c[2]) : c[3];
      conflicts.add(new Conflict(c[1], c[0], other, c[2], grainSize));
    }
    return conflicts;
  }

  /** Conflicts found, kept or not. */
  public long total() {
    return total;
  }

  private void conflict(long sector, long grain, long otherSector, long otherGrain) {
    if (kept.size() < maxKept) {
      kept.add(new long[] {sector, grain, otherSector, otherGrain});
    }
    total++;
  }

  private void overlapsOfUnaligned() {
    long[] sorted = Arrays.copyOf(unaligned, unalignedCount);
    Arrays.sort(sorted);
    for (int k = 0; k < sorted.length; k++) {
      long sector = sorted[k] >>> 30;
      long grain = sorted[k] & ((1L << 30) - 1);
      if (k + 1 < sorted.length && (sorted[k + 1] >>> 30) < sector + grainSize) {
        conflict(sector, grain, sorted[k + 1] >>> 30, sorted[k + 1] & ((1L << 30) - 1));
      }
      // An unaligned grain covers part of two slots; a grain on a boundary in either overlaps it.
      long slot = sector / grainSize;
      for (long s = slot; s <= slot + 1; s++) {
        if (s < Integer.MAX_VALUE && slots.get((int) s)) {
          conflict(sector, grain, s * grainSize, UNKNOWN);
        }
      }
    }
  }

  /** Second pass: the first grain pointing at each sector of interest is its owner. */
  private void findOwners(SparseExtent extent, GrainTableReader reader, Map<Long, Long> owners)
      throws IOException {
    int n = header.numGTEsPerGT();
    int[] table = new int[n];
    long grains = header.grains();
    GrainDirectory gd = extent.grainDirectory();
    for (int i = 0; i < gd.size(); i++) {
      reader.readAt(gd.tableSector(i), table);
      for (int j = 0; j < n; j++) {
        Long sector = Integer.toUnsignedLong(table[j]);
        long grain = header.grainOf(i, j);
        Long owner = owners.get(sector);
        if (grain < grains && owner != null && owner == UNKNOWN) {
          owners.put(sector, grain);
        }
      }
    }
  }
}
