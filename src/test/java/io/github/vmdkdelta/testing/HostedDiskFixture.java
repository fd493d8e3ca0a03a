package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Builds a base disk of any hosted subformat the way VMware Workstation and Player lay it out, for
 * tests; it shares no code with the production writers.
 *
 * <ul>
 *   <li>monolithicSparse: one sparse file with the descriptor embedded;
 *   <li>twoGbMaxExtentSparse: a descriptor file and sparse extents {@code <stem>-s001.vmdk} … of
 *       {@value #VMWARE_SPLIT_EXTENT_SECTORS} sectors (VMware's 2047 MiB; the last one shorter),
 *       without embedded descriptors;
 *   <li>monolithicFlat: a descriptor file and one raw extent {@code <stem>-flat.vmdk};
 *   <li>twoGbMaxExtentFlat: a descriptor file and raw extents {@code <stem>-f001.vmdk} ….
 * </ul>
 *
 * <p>The descriptor is VMware-style text ({@link VmwareDescriptorText}) in the declared encoding;
 * file names in it are encoded in that encoding, while the files themselves get the names as Java
 * strings (so UTF-8 on Linux): what a disk made on a Japanese Windows host looks like once copied.
 * Everything never written reads as zeros, and files are written with holes, so a 5 GiB disk costs
 * a few hundred KiB.
 *
 * <pre>{@code
 * HostedDiskFixture.twoGbMaxExtentSparse("日本語 ディスク.vmdk")
 *     .encoding("Shift_JIS")
 *     .capacityBytes(5L << 30)
 *     .grain(0, 0x11)
 *     .grain(HostedDiskFixture.VMWARE_SPLIT_EXTENT_SECTORS, 0x22) // first grain of -s002
 *     .writeTo(dir);
 * }</pre>
 */
public final class HostedDiskFixture {
  /** Sectors of each extent of a split disk made by VMware: 2047 MiB. */
  public static final long VMWARE_SPLIT_EXTENT_SECTORS = 4192256;

  private static final int SECTOR = VmdkFixture.SECTOR;
  private static final long GRAIN_SECTORS = 128;

  /** The hosted subformats, by their {@code createType}. */
  public enum Kind {
    MONOLITHIC_SPARSE("monolithicSparse", true, false),
    TWO_GB_MAX_EXTENT_SPARSE("twoGbMaxExtentSparse", true, true),
    MONOLITHIC_FLAT("monolithicFlat", false, false),
    TWO_GB_MAX_EXTENT_FLAT("twoGbMaxExtentFlat", false, true);

    private final String createType;
    private final boolean sparse;
    private final boolean split;

    Kind(String createType, boolean sparse, boolean split) {
      this.createType = createType;
      this.sparse = sparse;
      this.split = split;
    }

    public String createType() {
      return createType;
    }

    public boolean sparse() {
      return sparse;
    }

    public boolean split() {
      return split;
    }
  }

  /**
   * The files written.
   *
   * @param descriptor the file to open: the descriptor file, or the monolithicSparse file
   * @param extents the extent files, in descriptor order
   */
  public record Written(Path descriptor, List<Path> extents) {}

  private final Kind kind;
  private final String fileName;
  private long capacitySectors = 2048;
  private long extentSectors = VMWARE_SPLIT_EXTENT_SECTORS;
  private String encoding = "UTF-8";
  private int cid = 0x5c1e0f3a;
  private int version = 1;
  private boolean uncleanShutdown;
  private final Map<String, String> ddb = new LinkedHashMap<>();
  private UnaryOperator<String> descriptorEdit = UnaryOperator.identity();
  private final TreeMap<Long, byte[]> grains = new TreeMap<>(); // grain index -> content, ZEROED

  private static final byte[] ZEROED = new byte[0];

  private HostedDiskFixture(Kind kind, String fileName) {
    if (!fileName.endsWith(".vmdk")) {
      throw new IllegalArgumentException("disk names end in .vmdk: " + fileName);
    }
    this.kind = kind;
    this.fileName = fileName;
  }

  public static HostedDiskFixture of(Kind kind, String fileName) {
    return new HostedDiskFixture(kind, fileName);
  }

  public static HostedDiskFixture monolithicSparse(String fileName) {
    return of(Kind.MONOLITHIC_SPARSE, fileName);
  }

  public static HostedDiskFixture twoGbMaxExtentSparse(String fileName) {
    return of(Kind.TWO_GB_MAX_EXTENT_SPARSE, fileName);
  }

  public static HostedDiskFixture monolithicFlat(String fileName) {
    return of(Kind.MONOLITHIC_FLAT, fileName);
  }

  public static HostedDiskFixture twoGbMaxExtentFlat(String fileName) {
    return of(Kind.TWO_GB_MAX_EXTENT_FLAT, fileName);
  }

  // ---- shape ----

  public HostedDiskFixture capacitySectors(long sectors) {
    this.capacitySectors = sectors;
    return this;
  }

  public HostedDiskFixture capacityBytes(long bytes) {
    if (bytes % SECTOR != 0) {
      throw new IllegalArgumentException("capacity is a whole number of sectors");
    }
    return capacitySectors(bytes / SECTOR);
  }

  /** Sectors per extent of a split disk ({@value #VMWARE_SPLIT_EXTENT_SECTORS} by default). */
  public HostedDiskFixture extentSectors(long sectors) {
    if (sectors <= 0 || sectors % GRAIN_SECTORS != 0) {
      throw new IllegalArgumentException("extents hold whole grains of 128 sectors");
    }
    this.extentSectors = sectors;
    return this;
  }

  /** The header version of sparse extents: 1 (default), 2 or 3. */
  public HostedDiskFixture version(int version) {
    requireSparse("a header version");
    this.version = version;
    return this;
  }

  /** Sets uncleanShutdown in the header of every sparse extent. */
  public HostedDiskFixture uncleanShutdown() {
    requireSparse("uncleanShutdown");
    this.uncleanShutdown = true;
    return this;
  }

  // ---- descriptor ----

  /**
   * The declared {@code encoding} (default {@code UTF-8}), in which the descriptor, file names
   * included, is written. {@code Shift_JIS} is written as Windows code page 932, as VMware does.
   */
  public HostedDiskFixture encoding(String declared) {
    this.encoding = declared;
    return this;
  }

  public HostedDiskFixture cid(int cid) {
    this.cid = cid;
    return this;
  }

  /** Adds or replaces a {@code ddb.*} entry. */
  public HostedDiskFixture ddb(String key, String value) {
    ddb.put(key, value);
    return this;
  }

  /** Edits the descriptor text before it is encoded. */
  public HostedDiskFixture editDescriptor(UnaryOperator<String> edit) {
    UnaryOperator<String> before = descriptorEdit;
    this.descriptorEdit = t -> edit.apply(before.apply(t));
    return this;
  }

  // ---- data ----

  /** Fills the 64 KiB grain holding virtual sector {@code sector} with {@code pattern}. */
  public HostedDiskFixture grain(long sector, int pattern) {
    byte[] content = new byte[Math.toIntExact(GRAIN_SECTORS * SECTOR)];
    Arrays.fill(content, (byte) pattern);
    return grain(sector, content);
  }

  /** Stores {@code content} (64 KiB) as the grain holding virtual sector {@code sector}. */
  public HostedDiskFixture grain(long sector, byte[] content) {
    if (content.length != GRAIN_SECTORS * SECTOR) {
      throw new IllegalArgumentException("a grain holds 65536 bytes");
    }
    grains.put(sector / GRAIN_SECTORS, content.clone());
    return this;
  }

  /**
   * Makes the grain holding virtual sector {@code sector} a zeroed grain (grain table entry 1, with
   * the header flag that allows it) in a sparse disk.
   */
  public HostedDiskFixture zeroedGrain(long sector) {
    requireSparse("zeroed grains");
    grains.put(sector / GRAIN_SECTORS, ZEROED);
    return this;
  }

  // ---- results ----

  public Kind kind() {
    return kind;
  }

  public String fileName() {
    return fileName;
  }

  public int cid() {
    return cid;
  }

  public long capacityBytes() {
    return capacitySectors * SECTOR;
  }

  /** The extent file names, in descriptor order. */
  public List<String> extentFileNames() {
    String stem = fileName.substring(0, fileName.length() - ".vmdk".length());
    return switch (kind) {
      case MONOLITHIC_SPARSE -> List.of(fileName);
      case MONOLITHIC_FLAT -> List.of(stem + "-flat.vmdk");
      case TWO_GB_MAX_EXTENT_SPARSE, TWO_GB_MAX_EXTENT_FLAT -> {
        String letter = kind.sparse() ? "s" : "f";
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= extentSizes().size(); i++) {
          names.add(String.format("%s-%s%03d.vmdk", stem, letter, i));
        }
        yield names;
      }
    };
  }

  /** The extent file names as the descriptor holds them: bytes in the declared encoding. */
  public List<byte[]> extentFileNameBytes() {
    return extentFileNames().stream().map(this::encode).toList();
  }

  /** The size of each extent in sectors. */
  public List<Long> extentSizes() {
    if (!kind.split()) {
      return List.of(capacitySectors);
    }
    List<Long> sizes = new ArrayList<>();
    for (long start = 0; start < capacitySectors; start += extentSectors) {
      sizes.add(Math.min(extentSectors, capacitySectors - start));
    }
    return sizes;
  }

  /** The descriptor as written: the text in the declared encoding. */
  public byte[] descriptorBytes() {
    VmwareDescriptorText text =
        new VmwareDescriptorText(encoding, cid, kind.createType(), capacitySectors);
    List<String> names = extentFileNames();
    List<Long> sizes = extentSizes();
    for (int i = 0; i < names.size(); i++) {
      if (kind.sparse()) {
        text.sparseExtent(sizes.get(i), names.get(i));
      } else {
        text.flatExtent(sizes.get(i), names.get(i));
      }
    }
    ddb.forEach(text::ddb);
    return encode(descriptorEdit.apply(text.text()));
  }

  /** Writes the disk into {@code dir}. */
  public Written writeTo(Path dir) throws IOException {
    requireGrainsInside();
    List<String> names = extentFileNames();
    List<Path> extents = new ArrayList<>();
    long start = 0;
    for (int i = 0; i < names.size(); i++) {
      long size = extentSizes().get(i);
      Path path = dir.resolve(names.get(i));
      if (kind.sparse()) {
        sparseExtent(names.get(i), start, size).writeTo(dir);
      } else {
        SparseFiles.write(path, size * SECTOR, dataIn(start, size));
      }
      extents.add(path);
      start += size;
    }
    if (kind == Kind.MONOLITHIC_SPARSE) {
      return new Written(extents.get(0), extents);
    }
    Path descriptor = dir.resolve(fileName);
    SparseFiles.write(descriptor, descriptorBytes());
    return new Written(descriptor, extents);
  }

  /** Writes the same virtual disk as a raw image, for {@code qemu-img compare}. */
  public Path writeRawTo(Path raw) throws IOException {
    requireGrainsInside();
    SparseFiles.write(raw, capacityBytes(), dataIn(0, capacitySectors));
    return raw;
  }

  /** One sparse extent covering virtual sectors [start, start + size). */
  private VmdkFixture sparseExtent(String name, long start, long size) {
    VmdkFixture extent = VmdkFixture.base(name).capacitySectors(size).version(version);
    if (kind == Kind.MONOLITHIC_SPARSE) {
      extent.descriptorBytes(descriptorBytes());
    } else {
      extent.descriptorSectors(0);
    }
    if (uncleanShutdown) {
      extent.uncleanShutdown();
    }
    grainsIn(start, size)
        .forEach(
            (index, content) -> {
              long local = index * GRAIN_SECTORS - start;
              if (content == ZEROED) {
                extent.zeroedGrain(local);
              } else {
                extent.grain(local, content);
              }
            });
    return extent;
  }

  /** The grains of virtual sectors [start, start + size), the last one maybe partial. */
  private Map<Long, byte[]> grainsIn(long start, long size) {
    return grains.subMap(start / GRAIN_SECTORS, (start + size + GRAIN_SECTORS - 1) / GRAIN_SECTORS);
  }

  /** The data grains in [start, start + size), file offset (from start) to bytes. */
  private Map<Long, byte[]> dataIn(long start, long size) {
    Map<Long, byte[]> pieces = new LinkedHashMap<>();
    grainsIn(start, size)
        .forEach(
            (index, content) -> {
              long offset = (index * GRAIN_SECTORS - start) * SECTOR;
              long room = size * SECTOR - offset;
              if (content != ZEROED && room > 0) {
                pieces.put(offset, Arrays.copyOf(content, (int) Math.min(room, content.length)));
              }
            });
    return pieces;
  }

  private byte[] encode(String text) {
    CharsetEncoder encoder = charsetOf(encoding).newEncoder();
    if (!encoder.canEncode(text)) {
      throw new IllegalArgumentException(
          "the descriptor of " + fileName + " cannot be written in " + encoding);
    }
    return text.getBytes(encoder.charset());
  }

  /**
   * The charset VMware means by a declared encoding. VMware's Unicode library names Windows code
   * page 932 {@code Shift_JIS}, 950 {@code Big5} and 949 {@code windows-949-2000} (open-vm-tools
   * lib/unicode/unicodeSimpleTypes.c) and converts with ICU's tables for those code pages, whereas
   * Java's Shift_JIS and Big5 lack their extra characters (①, ～ U+FF5E, …) and Java knows no
   * "-2000" name: Java calls them windows-31j, x-windows-950 and x-windows-949.
   */
  public static Charset charsetOf(String declared) {
    return switch (declared) {
      case "Shift_JIS" -> Charset.forName("windows-31j");
      case "Big5", "windows-950-2000" -> Charset.forName("x-windows-950");
      case "windows-949-2000" -> Charset.forName("x-windows-949");
      case "windows-936-2000" -> Charset.forName("GBK");
      default -> Charset.forName(declared);
    };
  }

  private void requireSparse(String what) {
    if (!kind.sparse()) {
      throw new IllegalStateException(kind.createType() + " disks have no " + what);
    }
  }

  private void requireGrainsInside() {
    if (!grains.isEmpty()
        && (grains.firstKey() < 0 || grains.lastKey() * GRAIN_SECTORS >= capacitySectors)) {
      throw new IllegalStateException("a grain lies outside the disk of " + fileName);
    }
  }
}
