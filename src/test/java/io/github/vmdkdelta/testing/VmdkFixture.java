package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Builds hosted sparse extent files for tests, independently of the production writer: the header
 * is laid out here from the field offsets of the VMware "Virtual Disk Format 1.1" specification,
 * and the layout is the one qemu-img and VMware write (header, descriptor, redundant GD, redundant
 * GTs, GD, GTs, padding to a grain, then grains in order of writing). With {@code
 * descriptorSectors(0)} the file has no embedded descriptor, as the extents of a split disk made by
 * VMware: the redundant GD then starts at sector 1.
 *
 * <p>Whole disks of every hosted subformat, with a VMware-style descriptor, are built by {@link
 * HostedDiskFixture} on top of this class.
 *
 * <p>Geometry setters ({@link #capacitySectors}, {@link #grainSize}, {@link #numGTEsPerGT}, {@link
 * #descriptorSectors}) decide the layout and the header. {@link #header} then overrides raw header
 * fields after the layout is computed, so a test can make a header lie about its file:
 *
 * <pre>{@code
 * VmdkFixture.base("sd0.vmdk").capacitySectors(2048).cid(0x1234).writeTo(dir);
 * VmdkFixture.delta("sd0.vmdk", "sd0-000000.vmdk", 0x1234).writeTo(dir);
 * VmdkFixture.base("bad.vmdk").header(h -> h.grainSize = 3).writeTo(dir);
 * }</pre>
 */
public final class VmdkFixture {
  public static final int SECTOR = 512;

  // Header field offsets, from the specification's packed C structure.
  private static final int OFF_MAGIC = 0;
  private static final int OFF_VERSION = 4;
  private static final int OFF_FLAGS = 8;
  private static final int OFF_CAPACITY = 12;
  private static final int OFF_GRAIN_SIZE = 20;
  private static final int OFF_DESCRIPTOR_OFFSET = 28;
  private static final int OFF_DESCRIPTOR_SIZE = 36;
  private static final int OFF_NUM_GTES_PER_GT = 44;
  private static final int OFF_RGD_OFFSET = 48;
  private static final int OFF_GD_OFFSET = 56;
  private static final int OFF_OVERHEAD = 64;
  private static final int OFF_UNCLEAN_SHUTDOWN = 72;
  private static final int OFF_NEWLINE_BYTES = 73;
  private static final int OFF_COMPRESS_ALGORITHM = 77;

  /** The header fields as written; every one may be overridden through {@link #header}. */
  public static final class Header {
    public byte[] magic = {'K', 'D', 'M', 'V'};
    public int version = 1;
    public int flags = 3; // valid newline test + redundant grain table, as qemu-img writes
    public long capacity;
    public long grainSize;
    public long descriptorOffset;
    public long descriptorSize;
    public int numGTEsPerGT;
    public long rgdOffset;
    public long gdOffset;
    public long overHead;
    public byte uncleanShutdown = 0;
    public byte[] newlineBytes = {'\n', ' ', '\r', '\n'};
    public int compressAlgorithm = 0;

    /** The 512 bytes of this header. */
    public byte[] toBytes() {
      ByteBuffer b = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
      b.put(OFF_MAGIC, magic, 0, 4);
      b.putInt(OFF_VERSION, version);
      b.putInt(OFF_FLAGS, flags);
      b.putLong(OFF_CAPACITY, capacity);
      b.putLong(OFF_GRAIN_SIZE, grainSize);
      b.putLong(OFF_DESCRIPTOR_OFFSET, descriptorOffset);
      b.putLong(OFF_DESCRIPTOR_SIZE, descriptorSize);
      b.putInt(OFF_NUM_GTES_PER_GT, numGTEsPerGT);
      b.putLong(OFF_RGD_OFFSET, rgdOffset);
      b.putLong(OFF_GD_OFFSET, gdOffset);
      b.putLong(OFF_OVERHEAD, overHead);
      b.put(OFF_UNCLEAN_SHUTDOWN, uncleanShutdown);
      b.put(OFF_NEWLINE_BYTES, newlineBytes, 0, 4);
      b.putShort(OFF_COMPRESS_ALGORITHM, (short) compressAlgorithm);
      return b.array();
    }
  }

  /**
   * Where things are in the file, in sectors, computed the way qemu {@code vmdk_init_extent} does.
   *
   * @param gdEntries ceil(capacity / (numGTEsPerGT * grainSize))
   * @param gdSectors sectors of one directory
   * @param gtSectors sectors of one grain table
   * @param rgdOffset redundant directory, right after the descriptor
   * @param gdOffset directory, right after the redundant tables
   * @param overHead end of the tables, rounded up to a grain
   */
  public record Layout(
      long gdEntries,
      long gdSectors,
      long gtSectors,
      long descriptorOffset,
      long rgdOffset,
      long gdOffset,
      long overHead) {
    /** Sector of redundant grain table {@code i}. */
    public long rgtOffset(long i) {
      return rgdOffset + gdSectors + i * gtSectors;
    }

    /** Sector of grain table {@code i}. */
    public long gtOffset(long i) {
      return gdOffset + gdSectors + i * gtSectors;
    }
  }

  private final String fileName;
  private long capacity = 2048; // 1 MiB: one grain table, a 64 KiB file
  private long grainSize = 128;
  private int numGTEsPerGT = 512;
  private long descriptorSectors = 20;
  private int cid = 0x1234abcd;
  private Integer parentCid; // null: "ffffffff"
  private String parentHint;
  private String extentFileName;
  private String createType = "monolithicSparse";
  private String encoding;
  private final Map<String, String> ddb = new LinkedHashMap<>();
  private byte[] descriptorBytes;
  private UnaryOperator<String> descriptorEdit = UnaryOperator.identity();
  private Consumer<Header> headerEdit = h -> {};
  private final Map<Long, byte[]> grainWrites = new LinkedHashMap<>(); // grain index -> content
  private int version = 1;
  private final Map<Integer, Long> gdOverrides = new TreeMap<>();
  private final Map<Integer, Long> rgdOverrides = new TreeMap<>();
  private long truncateTo = -1;

  private VmdkFixture(String fileName) {
    this.fileName = fileName;
    ddb.put("ddb.virtualHWVersion", "4");
    ddb.put("ddb.geometry.cylinders", "2");
    ddb.put("ddb.geometry.heads", "16");
    ddb.put("ddb.geometry.sectors", "63");
    ddb.put("ddb.adapterType", "ide");
  }

  /** A base disk: {@code parentCID=ffffffff}, no parent hint. */
  public static VmdkFixture base(String fileName) {
    return new VmdkFixture(fileName);
  }

  /** A delta of {@code parentFileName}, recording the parent's CID. */
  public static VmdkFixture delta(String fileName, String parentFileName, int parentCid) {
    return new VmdkFixture(fileName).parentCid(parentCid).parentHint(parentFileName);
  }

  // ---- geometry (layout and header) ----

  public VmdkFixture capacitySectors(long sectors) {
    this.capacity = sectors;
    return this;
  }

  public VmdkFixture grainSize(long sectors) {
    this.grainSize = sectors;
    return this;
  }

  public VmdkFixture numGTEsPerGT(int entries) {
    this.numGTEsPerGT = entries;
    return this;
  }

  public VmdkFixture descriptorSectors(long sectors) {
    this.descriptorSectors = sectors;
    return this;
  }

  // ---- raw header overrides, applied after the layout is computed ----

  /** Changes header fields as written; the layout of the file stays as computed. */
  public VmdkFixture header(Consumer<Header> edit) {
    this.headerEdit = this.headerEdit.andThen(edit);
    return this;
  }

  // ---- descriptor ----

  public VmdkFixture cid(int cid) {
    this.cid = cid;
    return this;
  }

  public VmdkFixture parentCid(int parentCid) {
    this.parentCid = parentCid;
    return this;
  }

  public VmdkFixture parentHint(String hint) {
    this.parentHint = hint;
    return this;
  }

  /** The name in the extent line; the file's own name by default. */
  public VmdkFixture extentFileName(String name) {
    this.extentFileName = name;
    return this;
  }

  public VmdkFixture createType(String type) {
    this.createType = type;
    return this;
  }

  /**
   * Declares {@code encoding="..."} and writes the descriptor text in that charset ({@code
   * Shift_JIS} as Windows code page 932, {@code Big5} as 950, as VMware does).
   */
  public VmdkFixture encoding(String charsetName) {
    this.encoding = charsetName;
    return this;
  }

  /** Adds or replaces a {@code ddb.*} entry. */
  public VmdkFixture ddb(String key, String value) {
    ddb.put(key, value);
    return this;
  }

  /** Replaces the generated descriptor text wholesale (encoded in the declared charset). */
  public VmdkFixture descriptorText(String text) {
    return descriptorBytes(text.getBytes(charset()));
  }

  /** Replaces the descriptor area's text with these exact bytes. */
  public VmdkFixture descriptorBytes(byte[] bytes) {
    this.descriptorBytes = bytes.clone();
    return this;
  }

  /** Edits the generated descriptor text, e.g. to drop or repeat a line. */
  public VmdkFixture editDescriptor(UnaryOperator<String> edit) {
    UnaryOperator<String> before = descriptorEdit;
    this.descriptorEdit = t -> edit.apply(before.apply(t));
    return this;
  }

  // ---- data and damage ----

  /** Fills the grain that holds virtual sector {@code sector} with {@code pattern}. */
  public VmdkFixture grain(long sector, int pattern) {
    byte[] content = new byte[Math.toIntExact(grainSize * SECTOR)];
    Arrays.fill(content, (byte) pattern);
    return grain(sector, content);
  }

  /**
   * Stores {@code content} (grain size bytes) as the grain that holds virtual sector {@code
   * sector}; a later write to the same grain wins, but keeps the grain's place in the file.
   */
  public VmdkFixture grain(long sector, byte[] content) {
    if (content.length != grainSize * SECTOR) {
      throw new IllegalArgumentException("a grain holds " + grainSize * SECTOR + " bytes");
    }
    grainWrites.put(sector / grainSize, content.clone());
    return this;
  }

  /**
   * Makes the grain that holds virtual sector {@code sector} a zeroed grain (grain table entry 1),
   * and sets the header flag that gives entry 1 that meaning.
   */
  public VmdkFixture zeroedGrain(long sector) {
    grainWrites.put(sector / grainSize, ZEROED);
    return this;
  }

  private static final byte[] ZEROED = new byte[0];

  /** The data grains, grain index to content, in order of first write. */
  private Map<Long, byte[]> dataGrains() {
    Map<Long, byte[]> grains = new LinkedHashMap<>(grainWrites);
    grains.values().removeIf(c -> c == ZEROED);
    return grains;
  }

  private boolean hasZeroedGrains() {
    return grainWrites.containsValue(ZEROED);
  }

  /** The header version: 1 (default), 2 or 3. */
  public VmdkFixture version(int version) {
    this.version = version;
    return this;
  }

  /** Sets the header's uncleanShutdown byte, as a crash while the file was open leaves it. */
  public VmdkFixture uncleanShutdown() {
    return header(h -> h.uncleanShutdown = 1);
  }

  /** Overrides grain directory entry {@code index} (0: table not allocated). */
  public VmdkFixture gdEntry(int index, long sector) {
    gdOverrides.put(index, sector);
    return this;
  }

  /** Overrides redundant grain directory entry {@code index}. */
  public VmdkFixture rgdEntry(int index, long sector) {
    rgdOverrides.put(index, sector);
    return this;
  }

  /** Cuts the finished file to {@code bytes} (or extends it with zeros). */
  public VmdkFixture truncateTo(long bytes) {
    this.truncateTo = bytes;
    return this;
  }

  // ---- results ----

  public String fileName() {
    return fileName;
  }

  public int cid() {
    return cid;
  }

  /** The layout, computed from the geometry; header overrides do not change it. */
  public Layout layout() {
    long perTable = numGTEsPerGT * grainSize;
    long gdEntries = (capacity + perTable - 1) / perTable;
    long gdSectors = (gdEntries * 4 + SECTOR - 1) / SECTOR;
    long gtSectors = (numGTEsPerGT * 4L + SECTOR - 1) / SECTOR;
    long descriptorOffset = descriptorSectors == 0 ? 0 : 1;
    long rgdOffset = 1 + descriptorSectors;
    long gdOffset = rgdOffset + gdSectors + gdEntries * gtSectors;
    long end = gdOffset + gdSectors + gdEntries * gtSectors;
    long overHead = (end + grainSize - 1) / grainSize * grainSize;
    return new Layout(
        gdEntries, gdSectors, gtSectors, descriptorOffset, rgdOffset, gdOffset, overHead);
  }

  /** The sector the grain holding virtual sector {@code sector} was written at, or 0. */
  public long grainSectorOf(long sector) {
    int n = 0;
    for (long g : dataGrains().keySet()) {
      if (g == sector / grainSize) {
        return layout().overHead() + n * grainSize;
      }
      n++;
    }
    return 0;
  }

  /** The header as it will be written. */
  public Header headerFields() {
    Layout l = layout();
    Header h = new Header();
    h.capacity = capacity;
    h.grainSize = grainSize;
    h.descriptorOffset = l.descriptorOffset();
    h.descriptorSize = descriptorSectors;
    h.numGTEsPerGT = numGTEsPerGT;
    h.rgdOffset = l.rgdOffset();
    h.gdOffset = l.gdOffset();
    h.overHead = l.overHead();
    h.version = version;
    if (hasZeroedGrains()) {
      h.flags |= 4;
    }
    headerEdit.accept(h);
    return h;
  }

  /** The descriptor text, NUL padding excluded. */
  public byte[] descriptor() {
    if (descriptorBytes != null) {
      return descriptorBytes.clone();
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Disk DescriptorFile\n");
    sb.append("version=1\n");
    if (encoding != null) {
      sb.append("encoding=\"").append(encoding).append("\"\n");
    }
    sb.append(String.format("CID=%08x\n", cid));
    sb.append(
        parentCid == null ? "parentCID=ffffffff\n" : String.format("parentCID=%08x\n", parentCid));
    sb.append("createType=\"").append(createType).append("\"\n");
    if (parentHint != null) {
      sb.append("parentFileNameHint=\"").append(parentHint).append("\"\n");
    }
    sb.append("# Extent description\n");
    sb.append("RW ").append(capacity).append(" SPARSE \"");
    sb.append(extentFileName != null ? extentFileName : fileName).append("\"\n");
    sb.append("\n# The Disk Data Base\n#DDB\n\n");
    ddb.forEach((k, v) -> sb.append(k).append(" = \"").append(v).append("\"\n"));
    return descriptorEdit.apply(sb.toString()).getBytes(charset());
  }

  private Charset charset() {
    return encoding == null ? StandardCharsets.UTF_8 : HostedDiskFixture.charsetOf(encoding);
  }

  /** The whole file (cut or zero-extended to {@link #truncateTo} when set). */
  public byte[] toBytes() {
    Layout l = layout();
    Map<Long, byte[]> grains = dataGrains();
    long length = (l.overHead() + grains.size() * grainSize) * SECTOR;
    byte[] file = new byte[Math.toIntExact(length)];
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, headerFields().toBytes());
    putDescriptor(b, l);
    putDirectories(b, l);
    putZeroedGrainEntries(b, l);
    int n = 0;
    for (Map.Entry<Long, byte[]> grain : grains.entrySet()) {
      long at = l.overHead() + n * grainSize;
      putTableEntry(b, l, grain.getKey(), (int) at);
      b.put(Math.toIntExact(at * SECTOR), grain.getValue());
      n++;
    }
    return truncateTo >= 0 ? Arrays.copyOf(file, Math.toIntExact(truncateTo)) : file;
  }

  private void putDescriptor(ByteBuffer b, Layout l) {
    if (descriptorSectors == 0) {
      return;
    }
    byte[] text = descriptor();
    if (text.length > descriptorSectors * SECTOR) {
      throw new IllegalStateException("descriptor text does not fit its sectors");
    }
    b.put(Math.toIntExact(l.descriptorOffset() * SECTOR), text);
  }

  private void putDirectories(ByteBuffer b, Layout l) {
    for (int i = 0; i < l.gdEntries(); i++) {
      long rgd = rgdOverrides.getOrDefault(i, l.rgtOffset(i));
      long gd = gdOverrides.getOrDefault(i, l.gtOffset(i));
      b.putInt(Math.toIntExact(l.rgdOffset() * SECTOR + i * 4L), (int) rgd);
      b.putInt(Math.toIntExact(l.gdOffset() * SECTOR + i * 4L), (int) gd);
    }
  }

  private void putZeroedGrainEntries(ByteBuffer b, Layout l) {
    grainWrites.forEach(
        (index, content) -> {
          if (content == ZEROED) {
            putTableEntry(b, l, index, 1);
          }
        });
  }

  /** Sets the entry of grain {@code index} in both grain tables. */
  private void putTableEntry(ByteBuffer b, Layout l, long index, int value) {
    long table = index / numGTEsPerGT;
    long entry = index % numGTEsPerGT;
    b.putInt(Math.toIntExact(l.rgtOffset(table) * SECTOR + entry * 4), value);
    b.putInt(Math.toIntExact(l.gtOffset(table) * SECTOR + entry * 4), value);
  }

  /**
   * Writes the file into {@code dir} under its name and returns its path. Blocks of zeros are left
   * as holes, as qemu-img leaves its unused grain tables, so large disks stay cheap.
   */
  public Path writeTo(Path dir) throws IOException {
    Path path = dir.resolve(fileName);
    SparseFiles.write(path, toBytes());
    return path;
  }
}
