package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.Descriptor;
import io.github.vmdkdelta.vmdk.DescriptorFile;
import io.github.vmdkdelta.vmdk.Extent;
import io.github.vmdkdelta.vmdk.SparseExtent;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One disk of a chain: its descriptor, its extents and the values the chain needs from it. A disk
 * is either one monolithicSparse file (descriptor embedded) or a text descriptor file with extent
 * files beside it (twoGbMaxExtentSparse, monolithicFlat, twoGbMaxExtentFlat).
 *
 * @param path the file the disk is named by: the monolithic file or the descriptor file
 * @param descriptor its descriptor
 * @param cid its content id
 * @param parentCid the content id it expects of its parent (deltas)
 * @param parentHint its {@code parentFileNameHint}, decoded (deltas)
 * @param extents its extents, in virtual-disk order
 * @param descriptorFile the descriptor file of a split or flat disk; empty for a monolithic one
 */
public record DiskLayer(
    Path path,
    Descriptor descriptor,
    ContentId cid,
    Optional<ContentId> parentCid,
    Optional<String> parentHint,
    List<LayerExtent> extents,
    Optional<DescriptorFile> descriptorFile) {

  /** Most extent lines read: a 2 TiB disk split in 2 GiB files has 1024. */
  public static final int MAX_EXTENTS = 65536;

  private static final Set<String> SPLIT_AND_FLAT_TYPES =
      Set.of("twogbmaxextentsparse", "monolithicflat", "twogbmaxextentflat");

  public DiskLayer {
    extents = List.copyOf(extents);
  }

  /**
   * Opens a disk of any hosted kind this tool reads.
   *
   * @throws UnsupportedImageException for any other kind of VMDK
   * @throws CorruptImageException when a file is damaged
   * @throws BrokenChainException when an extent file is missing
   */
  public static DiskLayer open(Path path) throws IOException {
    if (DescriptorFile.looksLikeText(path)) {
      return openDescriptorFile(path);
    }
    return openMonolithic(path);
  }

  private static DiskLayer openMonolithic(Path path) throws IOException {
    SparseExtent extent = SparseExtent.open(path);
    Descriptor d =
        extent
            .descriptor()
            .orElseThrow(
                () ->
                    new UnsupportedImageException(
                        path,
                        "header",
                        "no embedded descriptor: this is one extent of a split disk; name its"
                            + " descriptor file (the .vmdk without -s001) instead"));
    if (!d.createType().equalsIgnoreCase("monolithicSparse")) {
      if (SPLIT_AND_FLAT_TYPES.contains(d.createType().toLowerCase(Locale.ROOT))) {
        throw new UnsupportedImageException(
            path,
            "descriptor",
            "this is one extent of a "
                + d.createType()
                + " disk; name its descriptor file instead");
      }
      throw new UnsupportedImageException(
          path,
          "descriptor",
          "unsupported disk type (" + d.createType() + ", expected monolithicSparse)");
    }
    if (extent.header().isStreamOptimized()) {
      throw new UnsupportedImageException(
          path, "header", "compressed (streamOptimized) disks are not supported");
    }
    List<Extent> lines = d.extents(path);
    if (lines.size() != 1 || !lines.get(0).type().equals("SPARSE")) {
      throw new CorruptImageException(
          path,
          "descriptor",
          "a monolithicSparse disk needs exactly one SPARSE extent line (found "
              + lines.size()
              + ")");
    }
    requireSameSize(path, lines.get(0), extent);
    return of(
        path,
        d,
        List.of(new LayerExtent(lines.get(0), 0, Optional.of(path), Optional.of(extent))),
        Optional.empty());
  }

  private static DiskLayer openDescriptorFile(Path path) throws IOException {
    DescriptorFile descriptorFile = DescriptorFile.read(path);
    Descriptor d = descriptorFile.descriptor();
    String type = d.createType();
    if (!SPLIT_AND_FLAT_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      throw new UnsupportedImageException(
          path,
          "descriptor",
          "unsupported disk type ("
              + type
              + "; supported: monolithicSparse, twoGbMaxExtentSparse, monolithicFlat,"
              + " twoGbMaxExtentFlat)");
    }
    String dataType = type.toLowerCase(Locale.ROOT).endsWith("sparse") ? "SPARSE" : "FLAT";
    List<Extent> lines = d.extents(path);
    if (lines.isEmpty()) {
      throw new CorruptImageException(path, "descriptor", "no extent lines");
    }
    if (lines.size() > MAX_EXTENTS) {
      throw new CorruptImageException(
          path,
          "descriptor",
          "too many extent lines (" + lines.size() + ", at most " + MAX_EXTENTS + ")");
    }
    Charset charset = d.fileNameCharset(path);
    List<LayerExtent> extents = new ArrayList<>();
    Set<Path> files = new HashSet<>();
    files.add(path.getFileName());
    long first = 0;
    for (Extent line : lines) {
      if (!line.type().equals(dataType) && !line.type().equals("ZERO")) {
        throw new UnsupportedImageException(
            path,
            "descriptor",
            "unsupported extent type in a " + type + " disk (" + line.type() + ")");
      }
      if (line.sectors() == 0) {
        throw new CorruptImageException(path, "descriptor", "extent line of 0 sectors");
      }
      if (line.type().equals("ZERO")) {
        extents.add(new LayerExtent(line, first, Optional.empty(), Optional.empty()));
      } else {
        Path file = extentFile(path, Descriptor.decodeName(line.rawFileName(), charset));
        if (!files.add(file.getFileName())) {
          throw new CorruptImageException(
              path,
              "descriptor",
              "two extent lines name the same file (" + file.getFileName() + ")");
        }
        extents.add(openExtent(path, line, first, file));
      }
      first = Math.addExact(first, line.sectors());
    }
    return of(path, d, extents, Optional.of(descriptorFile));
  }

  private static LayerExtent openExtent(Path disk, Extent line, long first, Path file)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BrokenChainException(
          disk,
          "extent",
          "extent file not found ("
              + file.getFileName()
              + "); it may have been moved or renamed: put it back under this name");
    }
    if (line.type().equals("FLAT")) {
      long start = line.offset().orElse(0);
      long size = Files.size(file);
      if (start < 0
          || start > Long.MAX_VALUE / 512 - line.sectors()
          || (start + line.sectors()) * 512 > size) {
        throw new CorruptImageException(
            file,
            "extent",
            "flat extent file shorter than its extent line says ("
                + size
                + " bytes, the line needs "
                + (start + line.sectors())
                + " sectors)");
      }
      return new LayerExtent(line, first, Optional.of(file), Optional.empty());
    }
    SparseExtent extent = SparseExtent.open(file);
    if (extent.header().isStreamOptimized()) {
      throw new UnsupportedImageException(
          file, "header", "compressed (streamOptimized) extents are not supported");
    }
    requireSameSize(file, line, extent);
    return new LayerExtent(line, first, Optional.of(file), Optional.of(extent));
  }

  /** The extent file a descriptor names: only a plain name, in the descriptor's own folder. */
  private static Path extentFile(Path disk, String name) throws VmdkException {
    if (name.isEmpty()
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0
        || name.equals(".")
        || name.equals("..")
        || (name.length() >= 2 && name.charAt(1) == ':')) {
      throw new UnsupportedImageException(
          disk,
          "descriptor",
          "extent file outside the descriptor's folder (\""
              + name
              + "\"): only extent files beside the descriptor are supported");
    }
    Path folder = disk.getParent();
    try {
      return folder == null ? Path.of(name) : folder.resolve(name);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UnsupportedImageException(
          disk, "descriptor", "extent file name not valid here (\"" + name + "\")");
    }
  }

  private static void requireSameSize(Path file, Extent line, SparseExtent extent)
      throws CorruptImageException {
    if (line.sectors() != extent.header().capacity()) {
      throw new CorruptImageException(
          file,
          "descriptor",
          "extent size disagrees with the header ("
              + line.sectors()
              + " sectors, header says "
              + extent.header().capacity()
              + ")");
    }
  }

  private static DiskLayer of(
      Path path, Descriptor d, List<LayerExtent> extents, Optional<DescriptorFile> file)
      throws VmdkException {
    Charset charset = d.fileNameCharset(path);
    Optional<String> hint =
        d.parentFileNameHintRaw().map(raw -> Descriptor.decodeName(raw, charset));
    Optional<ContentId> parentCid = d.parentCid(path);
    if (hint.isPresent() && parentCid.isEmpty()) {
      throw new CorruptImageException(path, "descriptor", "delta disk without a parentCID entry");
    }
    return new DiskLayer(path, d, d.cid(path), parentCid, hint, extents, file);
  }

  /** True when the disk names a parent. */
  public boolean isDelta() {
    return parentHint.isPresent();
  }

  /** True for one monolithicSparse file; false for a descriptor file with extent files. */
  public boolean isMonolithic() {
    return descriptorFile.isEmpty();
  }

  /** Virtual size in sectors. */
  public long capacity() {
    LayerExtent last = extents.get(extents.size() - 1);
    return last.firstSector() + last.sectors();
  }

  /** Virtual size in bytes. */
  public long capacityBytes() {
    return capacity() * io.github.vmdkdelta.vmdk.Limits.SECTOR_SIZE;
  }

  /** True when a sparse extent of the disk says it was not closed cleanly. */
  public boolean uncleanShutdown() {
    return extents.stream()
        .flatMap(e -> e.sparse().stream())
        .anyMatch(s -> s.header().uncleanShutdown());
  }

  /** The extent files of a descriptor-file disk, in order; empty for a monolithic one. */
  public List<Path> extentFiles() {
    if (isMonolithic()) {
      return List.of();
    }
    return extents.stream().flatMap(e -> e.file().stream()).toList();
  }

  /**
   * The sparse extent of a monolithicSparse disk, for operations that write into the file.
   *
   * @throws UnsupportedImageException for a split or flat disk
   */
  public SparseExtent extent() throws UnsupportedImageException {
    if (!isMonolithic()) {
      throw new UnsupportedImageException(
          path,
          "descriptor",
          "this is a "
              + descriptor.createType()
              + " disk; this operation only handles monolithicSparse disks so far");
    }
    return extents.get(0).sparse().orElseThrow();
  }

  /** The file name this disk's first extent line names, decoded. */
  public String extentFileName() throws VmdkException {
    return Descriptor.decodeName(
        descriptor.extents(path).get(0).rawFileName(), descriptor.fileNameCharset(path));
  }
}
