package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.cli.Main;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.SafeFileOperations;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per way a disk can be broken: the library refuses it with the right exception and
 * message, and {@code vmdk-delta make} refuses it with the right exit code, one line on stderr
 * naming the file, and the folder byte-for-byte unchanged.
 */
class CorruptionTableTest {
  private static final String DISK = "sd0.vmdk";
  private static final int PARENT_CID = 0x0badcafe;

  /** Where a row is first refused, and so which library call must throw. */
  enum Level {
    /** The file itself: {@link SparseExtent#open} (and everything above it) refuses it. */
    FILE,
    /** The disk or its chain: {@link DiskChain#open} refuses it. */
    CHAIN,
    /** Only the make plan (locks, names, CIDs): {@link MakeDelta#plan} refuses it. */
    PLAN
  }

  interface Setup {
    /** Writes the row's files into {@code dir}. */
    void create(Path dir) throws IOException;
  }

  record Row(
      String name,
      Setup setup,
      Level level,
      Class<? extends Exception> type,
      int exitCode,
      String fragment,
      String namedFile) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Row> ROWS = new ArrayList<>();

  private static void file(
      String name, VmdkFixture f, Class<? extends Exception> type, String fragment) {
    ROWS.add(new Row(name, f::writeTo, Level.FILE, type, exitCodeOf(type), fragment, f.fileName()));
  }

  private static void row(
      String name,
      Level level,
      Class<? extends Exception> type,
      String fragment,
      String named,
      Setup s) {
    ROWS.add(new Row(name, s, level, type, exitCodeOf(type), fragment, named));
  }

  /** The exit codes of the design notes, section 3. */
  private static int exitCodeOf(Class<? extends Exception> type) {
    if (type == CorruptImageException.class) {
      return 3;
    } else if (type == UnsupportedImageException.class) {
      return 4;
    } else if (type == BrokenChainException.class) {
      return 5;
    } else if (type == DiskInUseException.class) {
      return 7;
    }
    return 6; // I/O
  }

  private static VmdkFixture disk() {
    return VmdkFixture.base(DISK);
  }

  /** A disk whose descriptor text fills all of its 20 sectors, with no NUL after it. */
  private static VmdkFixture fullDescriptor() {
    VmdkFixture f = disk();
    int room = 20 * 512 - f.descriptor().length;
    return f.editDescriptor(t -> t + "#" + "x".repeat(room - 2) + "\n");
  }

  private static VmdkFixture parent() {
    return VmdkFixture.base("p.vmdk").cid(PARENT_CID);
  }

  private static VmdkFixture child() {
    return VmdkFixture.delta(DISK, "p.vmdk", PARENT_CID);
  }

  private static final Class<CorruptImageException> CORRUPT = CorruptImageException.class;
  private static final Class<UnsupportedImageException> UNSUPPORTED =
      UnsupportedImageException.class;
  private static final Class<BrokenChainException> BROKEN = BrokenChainException.class;
  private static final Class<DiskInUseException> IN_USE = DiskInUseException.class;

  static {
    // ---- header fields ----
    file(
        "bad magic",
        disk().header(h -> h.magic = "KDMW".getBytes(StandardCharsets.US_ASCII)),
        CORRUPT,
        "wrong magic number");
    file(
        "all-zero header",
        disk().header(h -> h.magic = new byte[4]),
        CORRUPT,
        "wrong magic number (0x00000000");
    file(
        "ESX COWD magic",
        disk().header(h -> h.magic = "COWD".getBytes(StandardCharsets.US_ASCII)),
        UNSUPPORTED,
        "COWD");
    file("version 0", disk().header(h -> h.version = 0), CORRUPT, "invalid version (0");
    file("version 4", disk().header(h -> h.version = 4), UNSUPPORTED, "unknown version (4");
    file(
        "version 2^32-1",
        disk().header(h -> h.version = -1),
        UNSUPPORTED,
        "unknown version (4294967295");
    file(
        "grainSize 0",
        disk().header(h -> h.grainSize = 0),
        CORRUPT,
        "invalid grain size (0 sectors");
    file(
        "grainSize 3",
        disk().header(h -> h.grainSize = 3),
        CORRUPT,
        "invalid grain size (3 sectors");
    file(
        "grainSize 7",
        disk().header(h -> h.grainSize = 7),
        CORRUPT,
        "invalid grain size (7 sectors");
    file(
        "grainSize 4 (power of two below the spec's minimum)",
        disk().header(h -> h.grainSize = 4),
        CORRUPT,
        "invalid grain size (4 sectors");
    file(
        "grainSize 2^22 (above qemu's 1 GiB)",
        disk().header(h -> h.grainSize = 1L << 22),
        CORRUPT,
        "invalid grain size (4194304");
    file(
        "grainSize 2^63",
        disk().header(h -> h.grainSize = Long.MIN_VALUE),
        CORRUPT,
        "invalid grain size (9223372036854775808");
    file(
        "grainSize 2^64-1",
        disk().header(h -> h.grainSize = -1),
        CORRUPT,
        "invalid grain size (18446744073709551615");
    file(
        "numGTEsPerGT 0",
        disk().header(h -> h.numGTEsPerGT = 0),
        CORRUPT,
        "entries per grain table (0");
    file(
        "numGTEsPerGT 513",
        disk().header(h -> h.numGTEsPerGT = 513),
        CORRUPT,
        "entries per grain table (513");
    file(
        "numGTEsPerGT 2^32-1",
        disk().header(h -> h.numGTEsPerGT = -1),
        CORRUPT,
        "entries per grain table (4294967295");
    file("capacity 0", disk().header(h -> h.capacity = 0), CORRUPT, "capacity out of range (0");
    // Above 2 TiB a disk is valid but unsupported (exit 4), unless its layout disagrees with it.
    file(
        "capacity 2^32+1, directory sized for a small disk",
        disk().header(h -> h.capacity = (1L << 32) + 1),
        CORRUPT,
        "grain directory lies outside the file");
    file(
        "capacity past 2^63 bytes",
        disk().header(h -> h.capacity = Long.MAX_VALUE / 512 + 1),
        CORRUPT,
        "capacity out of range (18014398509481984");
    file(
        "capacity 2^64-1",
        disk().header(h -> h.capacity = -1),
        CORRUPT,
        "capacity out of range (18446744073709551615");
    file(
        "descriptor outside the file",
        disk().header(h -> h.descriptorOffset = 10_000),
        CORRUPT,
        "descriptor lies outside the file (sector 10000");
    file(
        "descriptor runs past the end",
        disk().header(h -> h.descriptorSize = 200),
        CORRUPT,
        "descriptor lies outside the file");
    file(
        "descriptor offset 2^63",
        disk().header(h -> h.descriptorOffset = Long.MIN_VALUE),
        CORRUPT,
        "negative offset");
    file(
        "descriptor area too large",
        disk().header(h -> h.descriptorSize = 4096),
        CORRUPT,
        "descriptor area too large (4096");
    file(
        "descriptor size without offset",
        disk().header(h -> h.descriptorOffset = 0),
        CORRUPT,
        "disagree");
    file(
        "GD past EOF",
        disk().header(h -> h.gdOffset = 10_000),
        CORRUPT,
        "grain directory lies outside the file (sector 10000");
    file(
        "GD offset 0",
        disk().header(h -> h.gdOffset = 0),
        CORRUPT,
        "invalid grain directory offset (0");
    file(
        "RGD past EOF",
        disk().header(h -> h.rgdOffset = 10_000),
        CORRUPT,
        "redundant grain directory lies outside the file");
    file(
        "RGD offset 0 with the flag set",
        disk().header(h -> h.rgdOffset = 0),
        CORRUPT,
        "redundant grain directory lies outside");
    file(
        "GD entry past EOF",
        disk().gdEntry(0, 10_000),
        CORRUPT,
        "grain directory: entry 0 points past the end of the file (sector 10000");
    file(
        "GD entry 2^32-1",
        disk().gdEntry(0, 0xffffffffL),
        CORRUPT,
        "entry 0 points past the end of the file (sector 4294967295");
    file(
        "GD entry whose table straddles EOF",
        disk().gdEntry(0, 126),
        CORRUPT,
        "entry 0 points past the end");
    file(
        "RGD entry past EOF",
        disk().rgdEntry(0, 10_000),
        CORRUPT,
        "redundant grain directory: entry 0 points past");
    file(
        "overHead past EOF",
        disk().header(h -> h.overHead = 10_000),
        CORRUPT,
        "shorter than its metadata");
    file(
        "newline bytes damaged (CRLF -> LF)",
        disk().header(h -> h.newlineBytes = new byte[] {'\n', ' ', '\n', 0}),
        CORRUPT,
        "newline");
    file(
        "newline bytes damaged (LF -> CRLF)",
        disk().header(h -> h.newlineBytes = new byte[] {'\r', '\n', ' ', '\r'}),
        CORRUPT,
        "newline");
    file(
        "unknown flag bit 5",
        disk().header(h -> h.flags |= 1 << 5),
        UNSUPPORTED,
        "unknown flags (0x00000020");
    file(
        "unknown flag bit 31",
        disk().header(h -> h.flags |= 1 << 31),
        UNSUPPORTED,
        "unknown flags (0x80000000");
    file(
        "streamOptimized",
        disk()
            .createType("streamOptimized")
            .header(
                h -> {
                  h.version = 3;
                  h.flags = 0x30003;
                  h.gdOffset = -1;
                  h.compressAlgorithm = 1;
                }),
        UNSUPPORTED,
        "streamOptimized");
    // ---- structures inside the descriptor area, which make rewrites in place ----
    file(
        "descriptor area reaches into the RGD",
        disk().header(h -> h.descriptorSize = 21),
        CORRUPT,
        "redundant grain directory overlaps the descriptor area (sector 21");
    file(
        "descriptor text fills its sectors and the area reaches into the RGD",
        fullDescriptor().header(h -> h.descriptorSize = 21),
        CORRUPT,
        "redundant grain directory overlaps the descriptor area");
    file(
        "RGD inside the descriptor area",
        disk().header(h -> h.rgdOffset = 10),
        CORRUPT,
        "redundant grain directory overlaps the descriptor area (sector 10");
    file(
        "GD entry inside the descriptor area",
        disk().gdEntry(0, 5),
        CORRUPT,
        "grain directory entry 0 overlaps the descriptor area (sector 5");
    file(
        "RGD entry inside the descriptor area",
        disk().rgdEntry(0, 17),
        CORRUPT,
        "redundant grain directory entry 0 overlaps the descriptor area (sector 17");
    // ---- descriptor ----
    file(
        "missing CID",
        disk().editDescriptor(t -> t.replaceFirst("(?m)^CID=.*\n", "")),
        CORRUPT,
        "missing CID entry");
    file(
        "duplicate CID",
        disk().editDescriptor(t -> t.replaceFirst("(?m)^(CID=.*\n)", "$1$1")),
        CORRUPT,
        "CID entry appears 2 times");
    file(
        "bad CID hex",
        disk().editDescriptor(t -> t.replaceFirst("(?m)^CID=.*", "CID=12g45678")),
        CORRUPT,
        "CID is not 8 hex digits (\"12g45678\"");
    file(
        "bad parentCID hex",
        child().editDescriptor(t -> t.replaceFirst("(?m)^parentCID=.*", "parentCID=-1")),
        CORRUPT,
        "parentCID is not 8 hex digits");
    file(
        "missing createType",
        disk().editDescriptor(t -> t.replaceFirst("(?m)^createType=.*\n", "")),
        CORRUPT,
        "missing createType");
    file(
        "no descriptor header line",
        disk().editDescriptor(t -> t.replace("# Disk DescriptorFile\n", "")),
        CORRUPT,
        "Disk DescriptorFile");
    file(
        "malformed extent line",
        disk().editDescriptor(t -> t.replace("RW 2048 SPARSE", "RW lots SPARSE")),
        CORRUPT,
        "malformed extent line");
    row(
        "embedded createType monolithicFlat",
        Level.CHAIN,
        UNSUPPORTED,
        "monolithicFlat",
        DISK,
        d -> disk().createType("monolithicFlat").writeTo(d));
    row(
        "no embedded descriptor",
        Level.CHAIN,
        UNSUPPORTED,
        "no embedded descriptor",
        DISK,
        d ->
            disk()
                .header(
                    h -> {
                      h.descriptorOffset = 0;
                      h.descriptorSize = 0;
                    })
                .writeTo(d));
    row(
        "extent size disagrees with capacity",
        Level.CHAIN,
        CORRUPT,
        "extent size disagrees",
        DISK,
        d -> disk().editDescriptor(t -> t.replace("RW 2048 ", "RW 4096 ")).writeTo(d));
    row(
        "two extent lines",
        Level.CHAIN,
        CORRUPT,
        "exactly one SPARSE extent",
        DISK,
        d ->
            disk()
                .editDescriptor(
                    t ->
                        t.replace(
                            "RW 2048 SPARSE \"sd0.vmdk\"\n",
                            "RW 1024 SPARSE \"sd0.vmdk\"\nRW 1024 SPARSE \"sd0.vmdk\"\n"))
                .writeTo(d));
    row(
        "delta without parentCID",
        Level.CHAIN,
        CORRUPT,
        "without a parentCID",
        DISK,
        d -> child().editDescriptor(t -> t.replaceFirst("(?m)^parentCID=.*\n", "")).writeTo(d));
    row(
        "unknown encoding",
        Level.CHAIN,
        UNSUPPORTED,
        "unknown encoding",
        DISK,
        d ->
            disk()
                .editDescriptor(t -> t.replace("version=1\n", "version=1\nencoding=\"x-nope\"\n"))
                .writeTo(d));
    // ---- text descriptors ----
    String text =
        "# Disk DescriptorFile\nversion=1\nCID=3655ca37\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\n# Extent description\nRW 2048 FLAT \"sd0-flat.vmdk\" 0\n";
    row(
        "text descriptor whose flat extent file is missing",
        Level.CHAIN,
        BROKEN,
        "extent file not found (sd0-flat.vmdk)",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text));
    row(
        "text descriptor file (over 512 bytes) whose flat extent file is missing",
        Level.CHAIN,
        BROKEN,
        "extent file not found (sd0-flat.vmdk)",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text + "#".repeat(600) + "\n"));
    row(
        "flat extent file shorter than its extent line",
        Level.CHAIN,
        CORRUPT,
        "flat extent file shorter than its extent line says (1048064 bytes",
        "sd0-flat.vmdk",
        d -> {
          Files.writeString(d.resolve(DISK), text);
          Files.write(d.resolve("sd0-flat.vmdk"), new byte[2048 * 512 - 512]);
        });
    row(
        "flat extent at an offset past the end of its file",
        Level.CHAIN,
        CORRUPT,
        "flat extent file shorter",
        "sd0-flat.vmdk",
        d -> {
          Files.writeString(d.resolve(DISK), text.replace("\" 0\n", "\" 1\n"));
          Files.write(d.resolve("sd0-flat.vmdk"), new byte[2048 * 512]);
        });
    row(
        "extent file name climbing out of the folder",
        Level.CHAIN,
        UNSUPPORTED,
        "extent file outside the descriptor's folder (\"../sd0-flat.vmdk\")",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text.replace("\"sd0-flat", "\"../sd0-flat")));
    row(
        "extent file name with an absolute path",
        Level.CHAIN,
        UNSUPPORTED,
        "extent file outside the descriptor's folder",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text.replace("\"sd0-flat", "\"/etc/sd0-flat")));
    row(
        "text descriptor of an ESX disk (createType vmfs)",
        Level.CHAIN,
        UNSUPPORTED,
        "unsupported disk type (vmfs;",
        DISK,
        d ->
            Files.writeString(
                d.resolve(DISK),
                text.replace("monolithicFlat", "vmfs").replace(" FLAT ", " VMFS ")));
    row(
        "VMFS extent line in a monolithicFlat descriptor",
        Level.CHAIN,
        UNSUPPORTED,
        "unsupported extent type in a monolithicFlat disk (VMFS)",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text.replace(" FLAT ", " VMFS ")));
    row(
        "two extent lines naming the same file",
        Level.CHAIN,
        CORRUPT,
        "two extent lines name the same file (sd0-flat.vmdk)",
        DISK,
        d -> {
          Files.writeString(d.resolve(DISK), text + "RW 2048 FLAT \"sd0-flat.vmdk\" 2048\n");
          Files.write(d.resolve("sd0-flat.vmdk"), new byte[4096 * 512]);
        });
    row(
        "extent line of 0 sectors",
        Level.CHAIN,
        CORRUPT,
        "extent line of 0 sectors",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text.replace("RW 2048", "RW 0")));
    row(
        "text descriptor without extent lines",
        Level.CHAIN,
        CORRUPT,
        "no extent lines",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text.substring(0, text.indexOf("RW "))));
    row(
        "text descriptor file over 1 MiB",
        Level.CHAIN,
        CORRUPT,
        "descriptor file too large (1048722 bytes, at most 1048576)",
        DISK,
        d -> Files.writeString(d.resolve(DISK), text + "#".repeat(1 << 20) + "\n"));
    row(
        "split extent whose header disagrees with its extent line",
        Level.CHAIN,
        CORRUPT,
        "extent size disagrees with the header (4096 sectors, header says 2048)",
        "sd0-s001.vmdk",
        d -> {
          Files.writeString(
              d.resolve(DISK),
              text.replace("monolithicFlat", "twoGbMaxExtentSparse")
                  .replace("RW 2048 FLAT \"sd0-flat.vmdk\" 0", "RW 4096 SPARSE \"sd0-s001.vmdk\""));
          Files.write(d.resolve("sd0-s001.vmdk"), disk().toBytes());
        });
    // ---- truncation: at 0 and at every sector boundary of a small fixture ----
    VmdkFixture small = disk();
    VmdkFixture.Layout l = small.layout();
    for (long sector = 0; sector < l.overHead(); sector++) {
      long s = sector;
      String fragment =
          s == 0
              ? "too short"
              : s < l.rgdOffset()
                  ? "descriptor lies outside"
                  : s < l.gdOffset() + l.gdSectors()
                      ? "grain directory lies outside"
                      : s < l.gtOffset(0) + l.gtSectors()
                          ? "grain directory: entry 0 points past"
                          : "shorter than its metadata";
      file("truncated at sector " + s, disk().truncateTo(s * 512), CORRUPT, fragment);
    }
    // ---- chains ----
    row("missing disk", Level.CHAIN, NoSuchFileException.class, "no such file", DISK, d -> {});
    row(
        "disk is a folder",
        Level.CHAIN,
        IOException.class,
        "not a regular file",
        DISK,
        d -> Files.createDirectory(d.resolve(DISK)));
    row(
        "missing parent",
        Level.CHAIN,
        BROKEN,
        "parent disk not found",
        DISK,
        d -> child().writeTo(d));
    row(
        "corrupt parent",
        Level.CHAIN,
        CORRUPT,
        "invalid grain size",
        "p.vmdk",
        d -> {
          child().writeTo(d);
          parent().header(h -> h.grainSize = 3).writeTo(d);
        });
    row(
        "capacity mismatch",
        Level.CHAIN,
        BROKEN,
        "capacity differs",
        DISK,
        d -> {
          child().writeTo(d);
          parent().capacitySectors(4096).writeTo(d);
        });
    row(
        "self cycle",
        Level.CHAIN,
        BROKEN,
        "loops back",
        DISK,
        d -> VmdkFixture.delta(DISK, DISK, 1).writeTo(d));
    row(
        "two-disk cycle",
        Level.CHAIN,
        BROKEN,
        "loops back",
        "p.vmdk",
        d -> {
          child().writeTo(d);
          VmdkFixture.delta("p.vmdk", DISK, 1).cid(PARENT_CID).writeTo(d);
        });
    row(
        "hint climbs out",
        Level.CHAIN,
        BROKEN,
        "leaves the disk's folder",
        DISK,
        d -> VmdkFixture.delta(DISK, "../p.vmdk", 1).writeTo(d));
    row(
        "absolute hint",
        Level.CHAIN,
        BROKEN,
        "leaves the disk's folder",
        DISK,
        d -> VmdkFixture.delta(DISK, "/etc/p.vmdk", 1).writeTo(d));
    row(
        "empty hint",
        Level.CHAIN,
        BROKEN,
        "leaves the disk's folder",
        DISK,
        d -> VmdkFixture.delta(DISK, "", 1).writeTo(d));
    // ---- what only the plan checks ----
    row(
        "CID mismatch",
        Level.PLAN,
        BROKEN,
        "does not match the parent's CID",
        DISK,
        d -> {
          child().writeTo(d);
          parent().cid(PARENT_CID + 1).writeTo(d);
        });
    row(
        "VMware lock on the disk",
        Level.PLAN,
        IN_USE,
        "in use by VMware",
        DISK,
        d -> {
          disk().writeTo(d);
          Files.createDirectory(d.resolve(DISK + ".lck"));
        });
    row(
        "VMware lock on the parent",
        Level.PLAN,
        IN_USE,
        "in use by VMware",
        "p.vmdk",
        d -> {
          child().writeTo(d);
          parent().writeTo(d);
          Files.createDirectory(d.resolve("p.vmdk.lck"));
        });
    row(
        "frozen name taken",
        Level.PLAN,
        IN_USE,
        "already exists",
        "sd0-000000.vmdk",
        d -> {
          disk().writeTo(d);
          Files.writeString(d.resolve("sd0-000000.vmdk"), "keep me");
        });
    row(
        "unclean shutdown",
        Level.PLAN,
        IN_USE,
        "not closed cleanly",
        DISK,
        d -> disk().header(h -> h.uncleanShutdown = 1).writeTo(d));
  }

  static Stream<Row> rows() {
    return ROWS.stream();
  }

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void libraryRefusesWithTheRightExceptionAndMessage(Row row) throws Exception {
    row.setup().create(dir);
    Path disk = dir.resolve(DISK);
    FolderSnapshot before = FolderSnapshot.of(dir);
    if (row.level() == Level.FILE) {
      assertRefused(row, () -> SparseExtent.open(disk));
    }
    if (row.level() != Level.PLAN) {
      assertRefused(row, () -> DiskChain.open(disk));
    } else {
      assertThat(DiskChain.open(disk).layers()).isNotEmpty();
    }
    assertRefused(
        row,
        () ->
            new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT)
                .plan(disk));
    before.assertUnchanged();
  }

  private void assertRefused(Row row, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(row.type())
        // NoSuchFileException's message is the bare path; the command line adds "no such file".
        .hasMessageContaining(row.type() == NoSuchFileException.class ? DISK : row.fragment())
        .hasMessageContaining(dir.resolve(row.namedFile()).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void makeRefusesWithOneLineAndChangesNothing(Row row) throws Exception {
    row.setup().create(dir);
    Path disk = dir.resolve(DISK);
    FolderSnapshot before = FolderSnapshot.of(dir);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "make", disk.toString());

    String stderr = err.toString();
    assertThat(code).as("exit code; stderr: %s", stderr).isEqualTo(row.exitCode());
    List<String> lines = Arrays.asList(stderr.split("\\R", -1));
    assertThat(lines).as("stderr: %s", stderr).hasSize(2);
    assertThat(lines.get(1)).isEmpty();
    String line = lines.get(0);
    assertThat(line)
        .startsWith("vmdk-delta: " + dir.resolve(row.namedFile()) + ": ")
        .contains(row.fragment())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
    before.assertUnchanged();
  }
}
