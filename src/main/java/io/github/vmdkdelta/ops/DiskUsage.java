package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.LayerExtent;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.nio.file.Files;

/**
 * What a disk stores, over all its extents: grains of its sparse extents (every grain table read
 * once), flat extents in full, and the size of its files.
 */
record DiskUsage(
    long grainSizeBytes,
    long allocatedGrains,
    long zeroedGrains,
    long allocatedBytes,
    long fileSizeBytes) {

  static DiskUsage of(DiskLayer disk) throws IOException {
    long grainSize = 0;
    long allocated = 0;
    long zeroed = 0;
    long bytes = 0;
    long files = disk.isMonolithic() ? 0 : Files.size(disk.path());
    for (LayerExtent e : disk.extents()) {
      if (e.sparse().isPresent()) {
        SparseExtent sparse = e.sparse().get();
        ExtentScan.Stats stats = ExtentScan.count(sparse);
        long grain = sparse.header().grainSizeBytes();
        grainSize = grainSize == 0 ? grain : grainSize;
        allocated += stats.allocatedGrains();
        zeroed += stats.zeroedGrains();
        bytes += stats.allocatedGrains() * grain;
        files += sparse.fileSize();
      } else if (e.isFlat()) {
        bytes += e.sectors() * Limits.SECTOR_SIZE;
        files += Files.size(e.file().orElseThrow());
      }
    }
    return new DiskUsage(grainSize, allocated, zeroed, bytes, files);
  }
}
