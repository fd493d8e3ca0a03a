package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.Seeds;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code commit} onto parents of every split and flat subformat, made by qemu-img. qemu-io writes
 * into the parent, then into the delta (made by our {@code make}, or by qemu-img with zeroed-grain
 * entries) across the places where extents meet, zeroing some ranges; then commit. The disk reads
 * as the chain did (qemu-img compare with a raw copy) and as {@code qemu-img commit} makes the same
 * chain read; qemu-img check and vmdkinfo accept it; every file has the name it had before {@code
 * make}, and the parent a new CID.
 */
class CommitSplitAndFlatParentsInteropTest {
  private static final long GIB = 1L << 30;

  /** Where qemu-img cuts a split disk into extents. */
  private static final long QEMU_EXTENT = 2 * GIB;

  @ParameterizedTest(name = "{0} {1}, {2}, delta by {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "twoGbMaxExtentSparse | 5G  | sd0.vmdk             | make",
        "twoGbMaxExtentSparse | 5G  | 日本語 ディスク.vmdk | qemu-img",
        "monolithicFlat       | 64M | O'Brien's disk.vmdk  | make",
        "monolithicFlat       | 64M | sd0.vmdk             | qemu-img",
        "twoGbMaxExtentFlat   | 64M | sd0.vmdk             | make",
        "twoGbMaxExtentFlat   | 64M | sd0.vmdk             | qemu-img",
      })
  void commitReadsAsTheChainDidAndAsQemuImgCommits(
      String subformat, String size, String name, String deltaMaker, @TempDir Path tmp)
      throws IOException {
    long seed =
        Seeds.seed(
            "CommitSplitAndFlatParentsInteropTest["
                + subformat
                + ", "
                + name
                + ", "
                + deltaMaker
                + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = Files.createDirectory(tmp.resolve("vm folder"));
    Qemu qemu = new Qemu(dir);
    String stem = name.substring(0, name.length() - ".vmdk".length());
    String frozen = stem + "-000000.vmdk";
    run(dir, "create", "-q", "-f", "vmdk", "-o", "subformat=" + subformat, name, size);
    Set<String> namesBefore = Set.copyOf(MakeDeleteInteropTest.fileNames(dir));
    long capacity = (Long) qemu.infoChain(name).get(0).get("virtual-size");
    qemu.write(name, acrossExtents(random, capacity, false));
    Cli.run("make", dir.resolve(name));
    if (deltaMaker.equals("qemu-img")) {
      Files.delete(dir.resolve(name));
      qemu.createDelta(name, frozen, "-o", "zeroed_grain=on");
    }
    qemu.write(name, acrossExtents(random, capacity, true));
    List<Map<String, Object>> chain = qemu.infoChain(name);
    Path raw = tmp.resolve("before.raw");
    qemu.convertToRaw(name, raw);
    Path qemuCopy = TestFolders.copyOf(dir, tmp, "qemu-img commit");
    run(qemuCopy, "commit", "-q", "-f", "vmdk", name);

    Cli.run("commit", dir.resolve(name));

    String step = "seed " + seed;
    assertThat(MakeDeleteInteropTest.fileNames(dir))
        .as("names back to the stem of %s, %s", name, step)
        .containsExactlyInAnyOrderElementsOf(namesBefore);
    qemu.assertSameContent(name, raw);
    run(tmp, "compare", "-f", "vmdk", "-F", "vmdk", dir.resolve(name), qemuCopy.resolve(frozen));
    qemu.assertCheckClean(name);
    List<Map<String, Object>> after = qemu.infoChain(name);
    assertThat(after).as(step).hasSize(1);
    assertThat(Qemu.cid(after.get(0)))
        .as("the merged parent's CID is new")
        .isNotEqualTo(Qemu.cid(chain.get(0)))
        .isNotEqualTo(Qemu.cid(chain.get(1)));
    assertThat(Vmdkinfo.of(dir, name).one("Content identifier"))
        .isEqualTo(String.format("0x%08x", Qemu.cid(after.get(0))));
    if (subformat.endsWith("Flat")) {
      for (String file : namesBefore) {
        if (!file.equals(name)) {
          assertThat(Qemu.sha256(dir.resolve(file)))
              .as("flat extent %s, byte for byte as qemu-img commit writes it", file)
              .isEqualTo(
                  Qemu.sha256(qemuCopy.resolve(file.replace(stem + "-", stem + "-000000-"))));
        }
      }
    }
    Cli.run("check", dir.resolve(name));
  }

  /**
   * Split disks made by hand, as VMware may cut them (qemu-img cuts at 2 GiB): sparse extents that
   * are qemu-made monolithicSparse files of a few MiB, the last with a partial grain; flat extents
   * whose sizes are no grain multiple, so that grains of the delta straddle two extents and each
   * takes its part.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"SPARSE, 8192 16384 16200", "FLAT, 8100 8000 5000"})
  void commitIntoExtentsOfAnySize(String type, String sizes, @TempDir Path tmp) throws IOException {
    long seed = Seeds.seed("CommitSplitAndFlatParentsInteropTest.anySize[" + type + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Qemu qemu = new Qemu(dir);
    StringBuilder lines = new StringBuilder();
    List<Long> boundaries = new ArrayList<>();
    long capacity = 0;
    String[] extents = sizes.split(" ");
    for (int i = 0; i < extents.length; i++) {
      long sectors = Long.parseLong(extents[i]);
      String file = String.format("sd0-%s%03d.vmdk", type.equals("FLAT") ? "f" : "s", i + 1);
      if (type.equals("FLAT")) {
        try (var f = new java.io.RandomAccessFile(dir.resolve(file).toFile(), "rw")) {
          f.setLength(sectors * 512);
        }
        lines.append("RW ").append(sectors).append(" FLAT \"").append(file).append("\" 0\n");
      } else {
        run(dir, "create", "-q", "-f", "vmdk", file, (sectors * 512) + "");
        lines.append("RW ").append(sectors).append(" SPARSE \"").append(file).append("\"\n");
      }
      capacity += sectors * 512;
      boundaries.add(capacity);
    }
    String createType = type.equals("FLAT") ? "twoGbMaxExtentFlat" : "twoGbMaxExtentSparse";
    Files.writeString(
        dir.resolve("sd0.vmdk"),
        "# Disk DescriptorFile\nversion=1\nCID=1234abcd\nparentCID=ffffffff\ncreateType=\""
            + createType
            + "\"\n\n# Extent description\n"
            + lines
            + "\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n");
    Set<String> namesBefore = Set.copyOf(MakeDeleteInteropTest.fileNames(dir));
    assertThat((Long) qemu.infoChain("sd0.vmdk").get(0).get("virtual-size")).isEqualTo(capacity);
    qemu.write("sd0.vmdk", Pattern.random(random, capacity, 8));
    Cli.run("make", dir.resolve("sd0.vmdk"));
    List<Pattern> writes = new ArrayList<>(Pattern.random(random, capacity, 8));
    for (long b : boundaries.subList(0, boundaries.size() - 1)) {
      writes.add(new Pattern(1 + random.nextInt(255), b - 1000, 2000));
      writes.add(
          new Pattern(1 + random.nextInt(255), b + 3 * Pattern.GRAIN - 7, 3 * Pattern.GRAIN));
    }
    qemu.write("sd0.vmdk", writes);
    Path raw = tmp.resolve("before.raw");
    qemu.convertToRaw("sd0.vmdk", raw);
    Path qemuCopy = TestFolders.copyOf(dir, tmp, "qemu-img commit");
    run(qemuCopy, "commit", "-q", "-f", "vmdk", "sd0.vmdk");

    Cli.run("commit", dir.resolve("sd0.vmdk"));

    assertThat(MakeDeleteInteropTest.fileNames(dir))
        .as("seed %d", seed)
        .containsExactlyInAnyOrderElementsOf(namesBefore);
    qemu.assertSameContent("sd0.vmdk", raw);
    run(tmp, "compare", dir.resolve("sd0.vmdk"), qemuCopy.resolve("sd0-000000.vmdk"));
    qemu.assertCheckClean("sd0.vmdk");
    Vmdkinfo.of(dir, "sd0.vmdk");
    Cli.run("check", dir.resolve("sd0.vmdk"));
  }

  /**
   * Writes at the start, the end, across each place where qemu's extents meet (data, and zeros when
   * {@code zeros}), and at a few random places.
   */
  private static List<Pattern> acrossExtents(
      SplittableRandom random, long capacity, boolean zeros) {
    List<Pattern> writes = new ArrayList<>(Pattern.random(random, capacity, 6));
    writes.add(new Pattern(1 + random.nextInt(255), 0, 3 * Pattern.GRAIN + 1000));
    for (long b = QEMU_EXTENT; b < capacity; b += QEMU_EXTENT) {
      writes.add(new Pattern(1 + random.nextInt(255), b - 100_000, 200_000));
      if (zeros) {
        writes.add(new Pattern(0, b - 5 * Pattern.GRAIN, 2 * Pattern.GRAIN));
        writes.add(new Pattern(0, b + (1 << 20), Pattern.GRAIN));
      }
    }
    if (zeros) {
      writes.add(new Pattern(0, 0, Pattern.GRAIN));
      writes.add(new Pattern(0, capacity / 2 + 12345, 100_000));
    }
    return writes;
  }

  private static void run(Path folder, Object... args) throws IOException {
    Object[] command = new Object[args.length + 1];
    command[0] = ExternalTools.require(ExternalTools.QEMU_IMG);
    System.arraycopy(args, 0, command, 1, args.length);
    ExternalTools.run(folder, command).expectSuccess();
  }
}
