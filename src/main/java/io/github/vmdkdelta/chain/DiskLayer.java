package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.Descriptor;
import io.github.vmdkdelta.vmdk.Extent;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One disk of a chain: a monolithicSparse file, its descriptor and the values the chain needs from
 * it.
 *
 * @param path where the file is
 * @param extent its metadata
 * @param descriptor its embedded descriptor
 * @param cid its content id
 * @param parentCid the content id it expects of its parent (deltas)
 * @param parentHint its {@code parentFileNameHint}, decoded (deltas)
 */
public record DiskLayer(
    Path path,
    SparseExtent extent,
    Descriptor descriptor,
    ContentId cid,
    Optional<ContentId> parentCid,
    Optional<String> parentHint) {

  /**
   * Opens a monolithicSparse disk.
   *
   * @throws UnsupportedImageException for any other kind of VMDK
   * @throws CorruptImageException when the file is damaged
   */
  public static DiskLayer open(Path path) throws IOException {
    SparseExtent extent = SparseExtent.open(path);
    Descriptor d =
        extent
            .descriptor()
            .orElseThrow(
                () ->
                    new UnsupportedImageException(
                        path,
                        "header",
                        "no embedded descriptor: this is one extent of a split disk; only"
                            + " monolithicSparse disks are supported so far"));
    if (!d.createType().equalsIgnoreCase("monolithicSparse")) {
      throw new UnsupportedImageException(
          path,
          "descriptor",
          "unsupported disk type ("
              + d.createType()
              + ", expected monolithicSparse; split and flat disks are not supported yet)");
    }
    if (extent.header().isStreamOptimized()) {
      throw new UnsupportedImageException(
          path, "header", "compressed (streamOptimized) disks are not supported");
    }
    List<Extent> extents = d.extents(path);
    if (extents.size() != 1 || !extents.get(0).type().equals("SPARSE")) {
      throw new CorruptImageException(
          path,
          "descriptor",
          "a monolithicSparse disk needs exactly one SPARSE extent line (found "
              + extents.size()
              + ")");
    }
    if (extents.get(0).sectors() != extent.header().capacity()) {
      throw new CorruptImageException(
          path,
          "descriptor",
          "extent size disagrees with the header ("
              + extents.get(0).sectors()
              + " sectors, header says "
              + extent.header().capacity()
              + ")");
    }
    Charset charset = d.fileNameCharset(path);
    Optional<String> hint =
        d.parentFileNameHintRaw().map(raw -> Descriptor.decodeName(raw, charset));
    Optional<ContentId> parentCid = d.parentCid(path);
    if (hint.isPresent() && parentCid.isEmpty()) {
      throw new CorruptImageException(path, "descriptor", "delta disk without a parentCID entry");
    }
    return new DiskLayer(path, extent, d, d.cid(path), parentCid, hint);
  }

  /** True when the disk names a parent. */
  public boolean isDelta() {
    return parentHint.isPresent();
  }

  /** Virtual size in sectors. */
  public long capacity() {
    return extent.header().capacity();
  }

  /** The file name this disk's own extent line names, decoded. */
  public String extentFileName() throws VmdkException {
    return Descriptor.decodeName(
        descriptor.extents(path).get(0).rawFileName(), descriptor.fileNameCharset(path));
  }
}
