package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.DeltaDescriptor;
import io.github.vmdkdelta.vmdk.DeltaExtentBuilder;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.SparseExtentHeader;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * An empty delta of a disk, ready to be written: a fresh CID (never the parent's) and the bytes of
 * a monolithicSparse file with the parent's capacity and grain geometry.
 *
 * @param cid the new delta's content id
 * @param image its file
 */
record NewDelta(ContentId cid, SparseFileImage image) {
  /**
   * @param parent the disk the delta will sit on
   * @param parentName the name the parent will have, for the child's parent hint
   * @param childName the child's own file name, for its extent line
   */
  static NewDelta of(DiskLayer parent, String parentName, String childName, RandomGenerator random)
      throws VmdkException {
    long capacity = parent.capacity();
    if (capacity > Limits.MAX_CAPACITY_SECTORS) {
      throw new UnsupportedImageException(
          parent.path(),
          "capacity",
          "disk larger than 2 TiB ("
              + capacity
              + " sectors): its delta would have to be split in several files, which this tool"
              + " does not write");
    }
    // A sparse parent's grain geometry, so that grains line up; the default for a flat one.
    Optional<SparseExtentHeader> geometry =
        parent.extents().stream()
            .flatMap(e -> e.sparse().stream())
            .map(SparseExtent::header)
            .findFirst();
    ContentId cid;
    do {
      cid = ContentId.random(random);
    } while (cid.equals(parent.cid()));
    byte[] text =
        DeltaDescriptor.forParent(
            parent.descriptor(), parent.path(), parentName, childName, capacity, cid, random);
    return new NewDelta(cid, DeltaExtentBuilder.build(capacity, geometry, text));
  }
}
