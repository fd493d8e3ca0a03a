package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.LayerExtent;
import io.github.vmdkdelta.vmdk.DeltaGrains;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import io.github.vmdkdelta.vmdk.ExtentMerge;
import io.github.vmdkdelta.vmdk.FlatMerge;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One file of the parent that {@code commit} writes into, with the merge that writes it. Each
 * extent of the parent (the one of a monolithicSparse file, or each of a split or flat disk) takes
 * the delta's grains over its part of the virtual disk; a file the delta holds nothing over is not
 * a target, since it does not change.
 *
 * @param file the parent's file
 * @param merge what is written into it, checked
 */
record MergeTarget(Path file, ExtentMerge merge) {

  /**
   * The files of {@code parent} that merging {@code delta} changes, in disk order, each merge
   * checked.
   *
   * @param delta a monolithicSparse delta of {@code parent}
   * @throws UnsupportedImageException when the delta holds data over a ZERO extent, which cannot
   *     store it, or grains over an extent that is not RW, or a grain would straddle two sparse
   *     extents
   */
  static List<MergeTarget> of(DiskLayer delta, DiskLayer parent, int batchBytes)
      throws IOException {
    SparseExtent child = delta.extent();
    List<MergeTarget> targets = new ArrayList<>();
    List<LayerExtent> extents = parent.extents();
    for (int i = 0; i < extents.size(); i++) {
      LayerExtent e = extents.get(i);
      if (e.sparse().isPresent()) {
        DeltaMerge.requireMergeable(child, e.sparse().get(), e.firstSector());
      }
      long from = e.firstSector() * Limits.SECTOR_SIZE;
      DeltaGrains.Summary held =
          DeltaGrains.check(child, from, from + e.sectors() * Limits.SECTOR_SIZE);
      if (held.grains() == 0) {
        continue;
      }
      if (e.isZero()) {
        requireNoData(parent, i, held);
        continue; // zeroed grains over it: it reads as zeros already
      }
      if (!e.line().access().equalsIgnoreCase("RW")) {
        throw new UnsupportedImageException(
            parent.path(),
            "extent",
            "extent line "
                + (i + 1)
                + " is "
                + e.line().access()
                + ", and the delta holds grains over it: commit only writes into RW extents");
      }
      Path file = e.file().orElseThrow();
      ExtentMerge merge =
          e.isFlat()
              ? FlatMerge.check(child, file, e.firstSector(), e.sectors(), e.flatStartByte())
              : DeltaMerge.checkExtent(
                  child, e.sparse().orElseThrow(), e.firstSector(), parent.isDelta());
      targets.add(new MergeTarget(file, merge.withBatchBytes(batchBytes)));
    }
    return targets;
  }

  private static void requireNoData(DiskLayer parent, int index, DeltaGrains.Summary held)
      throws UnsupportedImageException {
    if (held.firstDataByte() >= 0) {
      throw new UnsupportedImageException(
          parent.path(),
          "extent",
          "extent line "
              + (index + 1)
              + " is a ZERO extent, which cannot store data, and the delta holds data over it"
              + " (from virtual byte "
              + held.firstDataByte()
              + "); commit cannot merge it into this disk");
    }
  }
}
