package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.LayerExtent;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a disk whose sparse extents {@code check} finds damaged, by the same scan ({@link
 * ExtentScan}): a grain in the metadata or past the end of the file, grains or tables sharing
 * sectors, directories or tables that disagree with their redundant copies. Warnings (a grain off a
 * grain boundary) pass.
 *
 * <p>{@code make} runs it on the disk it freezes, for two reasons: the extent line it rewrites in
 * place must not land on a grain (the data of the frozen disk would change), and a frozen disk is
 * never written again, so damage frozen under a delta stays there. It reads the grain directories
 * and tables only, never a grain.
 */
final class MetadataCheck {
  private MetadataCheck() {}

  /**
   * @throws CorruptImageException naming the first error found, in the extent file it is in
   */
  static void requireSound(DiskLayer layer, String refusal) throws IOException {
    for (LayerExtent extent : layer.extents()) {
      if (extent.sparse().isEmpty()) {
        continue;
      }
      List<Problem> problems = new ArrayList<>();
      ExtentScan.check(extent.sparse().get(), problems);
      for (Problem p : problems) {
        if (p.isError()) {
          throw new CorruptImageException(
              p.file(),
              p.what(),
              p.message() + "; " + refusal + ": 'vmdk-delta check' lists every problem");
        }
      }
    }
  }
}
