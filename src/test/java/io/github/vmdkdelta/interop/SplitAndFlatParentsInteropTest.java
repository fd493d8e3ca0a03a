package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * make, delete, revert, info and check on parents of every hosted subformat, made by qemu-img
 * (independent of our code) and checked by qemu-img and vmdkinfo: the child reads as the parent,
 * the parent's extent files take the parent's new stem, and delete restores every file byte for
 * byte.
 */
class SplitAndFlatParentsInteropTest {
  private static final long GIB = 1L << 30;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "monolithicSparse     | 64M   | 日本語 ディスク.vmdk",
        "monolithicFlat       | 64M   | sd0.vmdk",
        "monolithicFlat       | 64M   | O'Brien's disk.vmdk",
        "twoGbMaxExtentSparse | 5G    | sd0.vmdk",
        "twoGbMaxExtentSparse | 2560M | 日本語 ディスク.vmdk",
        "twoGbMaxExtentFlat   | 2560M | O'Brien's disk.vmdk",
      })
  void makeDeleteAndRevertKeepEveryByte(String subformat, String size, String name)
      throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm folder"));
    Path disk = folder.resolve(name);
    qemuImg(folder, "create", "-q", "-f", "vmdk", "-o", "subformat=" + subformat, name, size);
    long capacity = capacityOf(disk);
    writeSpread(disk, capacity, 0x51);
    Path original = QemuDisks.toRaw(disk, dir.resolve("original.raw"));
    FolderSnapshot before = FolderSnapshot.of(folder);
    Set<String> namesBefore = names(folder);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isZero();
    String stem = name.substring(0, name.length() - ".vmdk".length());
    String frozen = stem + "-000000.vmdk";
    Set<String> expected = new TreeSet<>();
    for (String n : namesBefore) {
      expected.add(n.equals(name) ? frozen : n.replace(stem + "-", stem + "-000000-"));
    }
    expected.add(name);
    assertThat(names(folder)).isEqualTo(expected);
    assertThat(Files.readAllBytes(disk)).startsWith("KDMV".getBytes(StandardCharsets.US_ASCII));
    assertCarriesTheParentsHardwareEntries(folder.resolve(name), folder.resolve(frozen));
    qemuImg(folder, "check", name);
    if (!subformat.endsWith("Flat")) {
      qemuImg(folder, "check", frozen);
    }
    compare(disk, original);
    vmdkinfo(folder, frozen);
    vmdkinfo(folder, name);
    assertThat(Cli.run("info", disk.toString()).code()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();

    // The child takes new data; the frozen parent does not change.
    QemuDisks.write(disk, capacity - 65536, 65536, 0x52);
    compare(folder.resolve(frozen), original);

    Cli delete = Cli.run("delete", disk.toString());

    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();

    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 0, 65536, 0x53);
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();
    compare(disk, original);
    assertThat(Cli.run("delete", disk.toString()).code()).isZero();
    before.assertUnchanged();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"twoGbMaxExtentSparse", "monolithicFlat"})
  void makeRefusesWhenAnExtentNameItNeedsIsTaken(String subformat) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    qemuImg(
        folder, "create", "-q", "-f", "vmdk", "-o", "subformat=" + subformat, "sd0.vmdk", "64M");
    String extent = subformat.endsWith("Sparse") ? "-s001.vmdk" : "-flat.vmdk";
    Files.writeString(folder.resolve("sd0-000000" + extent), "someone else's file");
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli make = Cli.run("make", folder.resolve("sd0.vmdk").toString());

    assertThat(make.code()).isEqualTo(7);
    assertThat(make.errLines()).hasSize(1);
    assertThat(make.err()).contains("sd0-000000" + extent).contains("already exists");
    before.assertUnchanged();
  }

  @org.junit.jupiter.api.Test
  void makeRefusesWhenASplitDeltaInTheFolderDependsOnTheDisk() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    qemuImg(
        folder,
        "create",
        "-q",
        "-f",
        "vmdk",
        "-o",
        "subformat=twoGbMaxExtentSparse",
        "-b",
        "sd0.vmdk",
        "-F",
        "vmdk",
        "other.vmdk");
    // qemu rewrites the descriptor file on the first write, padding it with NULs.
    QemuDisks.write(folder.resolve("other.vmdk"), 0, 65536, 0x71);
    assertThat(Files.readAllBytes(folder.resolve("other.vmdk"))).contains((byte) 0);
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isEqualTo(7);
    assertThat(make.err()).contains("other.vmdk");
    before.assertUnchanged();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"twoGbMaxExtentSparse, 5G", "monolithicFlat, 8M", "twoGbMaxExtentFlat, 2560M"})
  @SuppressWarnings("unchecked")
  void infoCountsTheDataOfEveryExtentFile(String subformat, String size) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", size, subformat);
    long capacity = capacityOf(disk);
    writeSpread(disk, capacity, 0x61);
    // The first and the last write take one grain each, each write across a boundary two.
    long expectedGrains = 2 + 2 * ((capacity - 1) / (2 * GIB));
    long files = 0;
    try (Stream<Path> s = Files.list(folder)) {
      for (Path f : s.toList()) {
        files += Files.size(f);
      }
    }

    Cli info = Cli.run("info", "--json", disk.toString());

    assertThat(info.code()).as(info.err()).isZero();
    Map<String, Object> doc = (Map<String, Object>) JsonDocuments.parse(info.out());
    Map<String, Object> layer = ((List<Map<String, Object>>) doc.get("layers")).get(0);
    assertThat(layer.get("create_type")).isEqualTo(subformat);
    assertThat(((Number) layer.get("capacity_bytes")).longValue()).isEqualTo(capacity);
    assertThat(((Number) layer.get("file_size_bytes")).longValue()).isEqualTo(files);
    long allocated = ((Number) layer.get("allocated_bytes")).longValue();
    if (subformat.endsWith("Flat")) {
      assertThat(allocated).isEqualTo(capacity);
    } else {
      assertThat(allocated).isEqualTo(expectedGrains * 65536);
    }
  }

  /** VMware expects a delta to carry its parent's virtual hardware version, adapter, geometry. */
  private static void assertCarriesTheParentsHardwareEntries(Path child, Path parent)
      throws IOException {
    String childText = QemuDisks.descriptor(child);
    String parentText =
        Files.readAllBytes(parent)[0] == '#'
            ? Files.readString(parent, StandardCharsets.ISO_8859_1)
            : QemuDisks.descriptor(parent);
    List<String> keys =
        List.of(
            "ddb.virtualHWVersion",
            "ddb.adapterType",
            "ddb.geometry.cylinders",
            "ddb.geometry.heads",
            "ddb.geometry.sectors");
    for (String key : keys) {
      String line =
          parentText.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow();
      assertThat(childText.lines()).as(key).contains(line);
    }
  }

  /**
   * Writes a grain at the start, across each 2 GiB boundary (where split extents meet), the end.
   */
  private static void writeSpread(Path disk, long capacity, int pattern) throws IOException {
    List<Long> offsets = new ArrayList<>(List.of(0L, capacity - 4096));
    for (long b = 2 * GIB; b < capacity; b += 2 * GIB) {
      offsets.add(b - 32768);
    }
    for (long offset : offsets) {
      QemuDisks.write(disk, offset, Math.min(65536, capacity - offset), pattern);
    }
  }

  private static long capacityOf(Path disk) throws IOException {
    String json =
        ExternalTools.runOk(
            disk.getParent(),
            ExternalTools.QEMU_IMG,
            "info",
            "--output=json",
            disk.getFileName().toString());
    var m = java.util.regex.Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void compare(Path disk, Path raw) throws IOException {
    qemuImg(
        disk.getParent(),
        "compare",
        "-f",
        "vmdk",
        "-F",
        "raw",
        disk.getFileName().toString(),
        raw.toAbsolutePath().toString());
  }

  private static void qemuImg(Path folder, String... args) throws IOException {
    Object[] command = new Object[args.length + 1];
    command[0] = ExternalTools.require(ExternalTools.QEMU_IMG);
    System.arraycopy(args, 0, command, 1, args.length);
    ExternalTools.run(folder, command).expectSuccess();
  }

  private static void vmdkinfo(Path folder, String name) throws IOException {
    Vmdkinfo.of(folder, name);
  }

  private static Set<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }
}
