package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.HostedDiskFixture.Kind;
import io.github.vmdkdelta.testing.SparseFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of disk {@link HostedDiskFixture} builds is read by qemu-img and libvmdk's vmdkinfo as
 * the disk the test meant: 5 GiB (three extents for split disks), data at extent boundaries and at
 * the very end, the same virtual content as a raw image, files that stay small.
 *
 * <p>Where the tools disagree with what VMware writes, the test says so and checks the known
 * behaviour instead (Debian 12: qemu-img 7.2, libvmdk 20200926):
 *
 * <ul>
 *   <li>qemu-img ignores {@code encoding}: it opens extent files by the descriptor's raw bytes, so
 *       a split or flat disk whose non-ASCII names are not UTF-8 ({@code windows-1252} "Café",
 *       Shift_JIS, GBK) fails to open ("Could not open ... No such file or directory") once its
 *       files carry their real names. Links named by those raw bytes let qemu check the data anyway
 *       ({@link RawNameLinks}). monolithicSparse is not affected: qemu ignores its extent line.
 *   <li>vmdkinfo honours {@code encoding="windows-1252"} and {@code "GBK"}, but refuses any disk
 *       declaring {@code encoding="Shift_JIS"}, the name VMware gives Windows code page 932
 *       ("unable to determine codepage value from string"). A newer libvmdk may read it: either
 *       outcome passes, a wrong reading does not.
 * </ul>
 */
class HostedDiskFixtureInteropTest {
  private static final long FIVE_GIB = 5L << 30;
  private static final long SPLIT = HostedDiskFixture.VMWARE_SPLIT_EXTENT_SECTORS;
  private static final long LAST_GRAIN = FIVE_GIB / 512 - 128;

  /** What libvmdk 20200926 says about encoding="Shift_JIS". */
  private static final String LIBVMDK_NO_SHIFT_JIS =
      "libvmdk_descriptor_file_read_header: unable to determine codepage value from string";

  /** A file name and the encoding its descriptor declares. */
  record Naming(String encoding, String fileName) {
    @Override
    public String toString() {
      return encoding + " \"" + fileName + "\"";
    }

    boolean qemuFindsExtentsByName(Kind kind) {
      return kind == Kind.MONOLITHIC_SPARSE
          || StandardCharsets.US_ASCII.newEncoder().canEncode(fileName)
          || encoding.equals("UTF-8");
    }
  }

  static final List<Naming> NAMINGS =
      List.of(
          new Naming("UTF-8", "sd0.vmdk"),
          new Naming("UTF-8", "日本語 ディスク.vmdk"),
          new Naming("windows-1252", "O'Brien's disk.vmdk"),
          new Naming("windows-1252", "Café Übung.vmdk"),
          // ソ and 表 are 0x83 0x5c and 0x95 0x5c: a second byte that is a backslash in ASCII.
          new Naming("Shift_JIS", "ソフト表 ディスク.vmdk"),
          // 乗 is 0x81 0x5c in GBK.
          new Naming("GBK", "虚拟磁盘乗.vmdk"));

  static Stream<Arguments> kindsAndNamings() {
    List<Arguments> all = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      NAMINGS.forEach(n -> all.add(Arguments.of(kind, n)));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kindsAndNamings")
  void toolsReadTheDiskAsBuilt(Kind kind, Naming naming, @TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    HostedDiskFixture disk =
        HostedDiskFixture.of(kind, naming.fileName())
            .encoding(naming.encoding())
            .capacityBytes(FIVE_GIB)
            .grain(0, 0x11)
            .grain(SPLIT - 128, 0x22) // the last grain of the first 2047 MiB extent
            .grain(SPLIT, 0x33) // the first grain of the second
            .grain(LAST_GRAIN, 0x44);
    if (kind.sparse()) {
      disk.version(2).zeroedGrain(256);
    }
    HostedDiskFixture.Written written = disk.writeTo(dir);
    Path raw = disk.writeRawTo(tmp.resolve("same-data.raw"));

    assertFilesAsVmwareNamesThem(disk, written, dir);
    assertQemuReadsTheData(disk, naming, dir, raw);
    assertVmdkinfoDescribes(disk, naming, dir);
  }

  static Stream<Arguments> sparseKindsAndVersions() {
    List<Arguments> all = new ArrayList<>();
    for (Kind kind : List.of(Kind.MONOLITHIC_SPARSE, Kind.TWO_GB_MAX_EXTENT_SPARSE)) {
      for (int version = 1; version <= 3; version++) {
        all.add(Arguments.of(kind, version));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} version {1}")
  @MethodSource("sparseKindsAndVersions")
  void everyHeaderVersionAndUncleanShutdown(Kind kind, int version, @TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    HostedDiskFixture disk =
        HostedDiskFixture.of(kind, "v.vmdk")
            .version(version)
            .capacityBytes(FIVE_GIB)
            .grain(128, 0x55)
            .grain(SPLIT + 128, 0x66);
    if (version >= 2) {
      disk.zeroedGrain(0);
    }
    HostedDiskFixture.Written written = disk.writeTo(dir);
    Path raw = disk.writeRawTo(tmp.resolve("same-data.raw"));
    for (Path extent : written.extents()) {
      assertThat(headerBytes(extent, 4, 4))
          .as("version of %s", extent)
          .containsExactly(version, 0, 0, 0);
    }
    Qemu qemu = new Qemu(dir);
    // Version 3 is read-only for qemu; check and compare open images read-only.
    qemu.assertCheckClean("v.vmdk");
    qemu.assertSameContent("v.vmdk", raw);

    Path uncleanDir = Files.createDirectory(tmp.resolve("crashed"));
    HostedDiskFixture.Written crashed =
        HostedDiskFixture.of(kind, "v.vmdk")
            .version(version)
            .capacityBytes(FIVE_GIB)
            .uncleanShutdown()
            .writeTo(uncleanDir);
    for (Path extent : crashed.extents()) {
      assertThat(headerBytes(extent, 72, 1)).as("uncleanShutdown of %s", extent).containsExactly(1);
    }
    // Neither tool minds the flag when reading.
    new Qemu(uncleanDir).assertCheckClean("v.vmdk");
    assertThat(Vmdkinfo.of(uncleanDir, "v.vmdk").one("Disk type")).isEqualTo(diskType(kind));
  }

  private static void assertFilesAsVmwareNamesThem(
      HostedDiskFixture disk, HostedDiskFixture.Written written, Path dir) throws IOException {
    String stem = disk.fileName().replaceFirst("\\.vmdk$", "");
    List<String> expected =
        switch (disk.kind()) {
          case MONOLITHIC_SPARSE -> List.of(disk.fileName());
          case MONOLITHIC_FLAT -> List.of(stem + "-flat.vmdk");
          case TWO_GB_MAX_EXTENT_SPARSE ->
              List.of(stem + "-s001.vmdk", stem + "-s002.vmdk", stem + "-s003.vmdk");
          case TWO_GB_MAX_EXTENT_FLAT ->
              List.of(stem + "-f001.vmdk", stem + "-f002.vmdk", stem + "-f003.vmdk");
        };
    assertThat(disk.extentFileNames()).isEqualTo(expected);
    assertThat(written.extents()).extracting(p -> p.getFileName().toString()).isEqualTo(expected);
    assertThat(written.descriptor()).isEqualTo(dir.resolve(disk.fileName()));
    if (disk.kind().split()) {
      // 5 GiB = 2 × 4192256 sectors + the rest, as VMware splits it.
      assertThat(disk.extentSizes()).containsExactly(SPLIT, SPLIT, FIVE_GIB / 512 - 2 * SPLIT);
    }
    long allocated = 0;
    for (Path p : written.extents()) {
      allocated += SparseFiles.allocatedBytes(p);
    }
    assertThat(allocated).as("bytes allocated to a 5 GiB disk").isLessThan(4L << 20);
  }

  private static void assertQemuReadsTheData(
      HostedDiskFixture disk, Naming naming, Path dir, Path raw) throws IOException {
    Qemu qemu = new Qemu(dir);
    String name = disk.fileName();
    if (!naming.qemuFindsExtentsByName(disk.kind())) {
      ExternalTools.Result refused =
          ExternalTools.run(dir, ExternalTools.require(ExternalTools.QEMU_IMG), "info", name);
      assertThat(refused.exitCode()).as(refused.output()).isNotZero();
      assertThat(refused.output()).contains("Could not open").contains("No such file");
    }
    try (RawNameLinks links =
        RawNameLinks.create(dir, disk.extentFileNames(), disk.extentFileNameBytes())) {
      qemu.assertCheckClean(name);
      qemu.assertSameContent(name, raw);
      Map<String, Object> info = qemu.infoChain(name).get(0);
      assertThat(info).containsEntry("virtual-size", FIVE_GIB);
      assertThat(formatData(info)).containsEntry("create-type", disk.kind().createType());
      assertThat((List<?>) formatData(info).get("extents")).hasSize(disk.extentSizes().size());
      assertThat(Qemu.cid(info)).isEqualTo(Integer.toUnsignedLong(disk.cid()));
    }
  }

  private static void assertVmdkinfoDescribes(HostedDiskFixture disk, Naming naming, Path dir)
      throws IOException {
    if (naming.encoding().equals("Shift_JIS")) {
      ExternalTools.Result r =
          ExternalTools.run(
              dir, ExternalTools.require(ExternalTools.VMDKINFO), "-v", disk.fileName());
      if (r.exitCode() != 0) {
        assertThat(r.output()).contains(LIBVMDK_NO_SHIFT_JIS);
        return;
      }
    }
    Vmdkinfo info = Vmdkinfo.of(dir, disk.fileName());
    assertThat(info.one("Disk type")).isEqualTo(diskType(disk.kind()));
    assertThat(info.one("Media size")).endsWith("(" + FIVE_GIB + " bytes)");
    assertThat(info.one("Content identifier")).isEqualTo(String.format("0x%08x", disk.cid()));
    assertThat(info.one("Parent content identifier")).isEqualTo("0xffffffff");
    // vmdkinfo prints names in UTF-8; ExternalTools reads output as ISO-8859-1.
    assertThat(info.all("Filename"))
        .extracting(
            n -> new String(n.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
        .isEqualTo(disk.extentFileNames());
  }

  private static String diskType(Kind kind) {
    return switch (kind) {
      case MONOLITHIC_SPARSE -> "Monolithic sparse";
      case TWO_GB_MAX_EXTENT_SPARSE -> "2GB extent sparse";
      case MONOLITHIC_FLAT -> "Monolithic flat";
      case TWO_GB_MAX_EXTENT_FLAT -> "2GB extent flat";
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> formatData(Map<String, Object> info) {
    return (Map<String, Object>) ((Map<String, Object>) info.get("format-specific")).get("data");
  }

  private static int[] headerBytes(Path file, int offset, int length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[length];
      f.seek(offset);
      f.readFully(b);
      int[] unsigned = new int[length];
      for (int i = 0; i < length; i++) {
        unsigned[i] = b[i] & 0xff;
      }
      return unsigned;
    }
  }
}
