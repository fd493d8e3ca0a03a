package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.Seeds;
import io.github.vmdkdelta.vmdk.GrainTable;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code commit} on chains made by our {@code make} and by qemu-img, written by qemu-io at seeded
 * random offsets: the data seen through the disk is the same before and after (qemu-img compare
 * against a raw copy), the files are valid for qemu-img and libvmdk, the names and CIDs link, and
 * the merged parent is the very file {@code qemu-img commit} makes of the same chain, outside the
 * descriptor.
 */
class CommitInteropTest {
  @ParameterizedTest(name = "chain by {0}, {1}")
  @CsvSource({"make, 20000K", "qemu-img, 20000K", "make, 64M", "qemu-img, 1000K"})
  void commitsAFiveLayerChainDownToItsBase(String maker, String size, @TempDir Path tmp)
      throws IOException {
    long seed =
        Seeds.seed(
            "CommitInteropTest.commitsAFiveLayerChainDownToItsBase[" + maker + ", " + size + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path keep = Files.createDirectory(tmp.resolve("keep"));
    Qemu qemu = new Qemu(dir);
    boolean ours = maker.equals("make");
    String top = ours ? "sd0.vmdk" : "d5.vmdk";
    qemu.create(ours ? "sd0.vmdk" : "base.vmdk", size);
    long capacity =
        (Long) qemu.infoChain(ours ? "sd0.vmdk" : "base.vmdk").get(0).get("virtual-size");
    qemu.write(ours ? "sd0.vmdk" : "base.vmdk", Pattern.random(random, capacity, 8));
    for (int i = 1; i <= 5; i++) {
      String leaf;
      if (ours) {
        Cli.run("make", dir.resolve("sd0.vmdk"));
        leaf = "sd0.vmdk";
      } else {
        leaf = "d" + i + ".vmdk";
        qemu.createDelta(leaf, i == 1 ? "base.vmdk" : "d" + (i - 1) + ".vmdk");
      }
      qemu.write(leaf, Pattern.random(random, capacity, 6));
    }

    for (int depth = 5; depth >= 1; depth--) {
      String step = "seed " + seed + ", " + depth + " deltas";
      Path raw = keep.resolve("before-" + depth + ".raw");
      qemu.convertToRaw(top, raw);
      List<Map<String, Object>> before = qemu.infoChain(top);
      assertThat(before).as(step).hasSize(depth + 1);
      String parent = (String) before.get(1).get("filename");
      Set<String> namesBefore = new HashSet<>(MakeDeleteInteropTest.fileNames(dir));
      Path qemuCopy = copy(dir, tmp.resolve("qemu-" + depth));
      ExternalTools.run(
              qemuCopy, ExternalTools.require(ExternalTools.QEMU_IMG), "commit", "-f", "vmdk", top)
          .expectSuccess();

      Cli.run("commit", dir.resolve(top));

      Set<String> expectedNames = new HashSet<>(namesBefore);
      expectedNames.remove(parent);
      assertThat(MakeDeleteInteropTest.fileNames(dir))
          .as(step)
          .containsExactlyInAnyOrderElementsOf(expectedNames);
      qemu.assertCheckClean(top);
      qemu.assertSameContent(top, raw);
      List<Map<String, Object>> after = qemu.infoChain(top);
      assertThat(after).as(step).hasSize(depth);
      assertThat(after.get(0)).containsEntry("filename", top);
      long cid = Qemu.cid(after.get(0));
      assertThat(cid)
          .as("the merged parent's CID is new")
          .isNotEqualTo(Qemu.cid(before.get(0)))
          .isNotEqualTo(Qemu.cid(before.get(1)));
      Vmdkinfo info = Vmdkinfo.of(dir, top);
      assertThat(info.all("Filename")).containsExactly(top);
      assertThat(info.one("Content identifier")).isEqualTo(String.format("0x%08x", cid));
      if (depth > 1) {
        String grandparent = (String) before.get(2).get("filename");
        assertThat(after.get(0)).containsEntry("backing-filename", grandparent);
        assertThat(Qemu.parentCid(after.get(0))).isEqualTo(Qemu.cid(after.get(1)));
        assertThat(info.one("Parent filename")).isEqualTo(grandparent);
      }
      ExternalTools.run(
              tmp,
              ExternalTools.require(ExternalTools.QEMU_IMG),
              "compare",
              "-f",
              "vmdk",
              "-F",
              "vmdk",
              dir.resolve(top),
              qemuCopy.resolve(parent))
          .expectSuccess();
      MakeDeleteInteropTest.assertOnlyDescriptorChanged(
          Files.readAllBytes(qemuCopy.resolve(parent)), Files.readAllBytes(dir.resolve(top)));
      assertDescriptorsDifferOnlyInCidAndName(dir.resolve(top), qemuCopy.resolve(parent), parent);
    }
    assertThat(MakeDeleteInteropTest.fileNames(dir)).containsExactly(top);
  }

  @ParameterizedTest(name = "parent {0} {1}")
  @CsvSource({"base, ''", "delta, ''", "delta, zeroed_grain=on"})
  void zeroedGrainsOfTheDeltaBecomeZeros(String kind, String parentOptions, @TempDir Path tmp)
      throws IOException {
    long seed =
        Seeds.seed(
            "CommitInteropTest.zeroedGrainsOfTheDeltaBecomeZeros[" + kind + parentOptions + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Qemu qemu = new Qemu(dir);
    int grains = 8 * 1024 * 1024 / Pattern.GRAIN;
    boolean base = kind.equals("base");
    boolean zeroedParent = !parentOptions.isEmpty();
    qemu.create("base.vmdk", "8M");
    // The base has every grain (every other one when it is the parent); a delta parent every third.
    qemu.write("base.vmdk", fillEvery(random, grains, base ? 2 : 1));
    String parent = "base.vmdk";
    if (!base) {
      parent = "mid.vmdk";
      qemu.createDelta(
          parent, "base.vmdk", zeroedParent ? new String[] {"-o", parentOptions} : new String[0]);
      List<Pattern> writes = new ArrayList<>(fillEvery(random, grains, 3));
      if (zeroedParent) {
        writes.add(new Pattern(0, 5L * Pattern.GRAIN, 3 * Pattern.GRAIN)); // zeroed in the parent
      }
      qemu.write(parent, writes);
    }
    qemu.createDelta("top.vmdk", parent, "-o", "zeroed_grain=on");
    List<Pattern> writes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int first = random.nextInt(grains - 3);
      writes.add(
          new Pattern(0, (long) first * Pattern.GRAIN, (1 + random.nextInt(3)) * Pattern.GRAIN));
      writes.add(Pattern.random(random, grains * (long) Pattern.GRAIN, 2).get(1));
    }
    writes.add(new Pattern(0x77, 6L * Pattern.GRAIN, 100)); // data over a grain zeroed below
    // Last, so that they stay zeroed: grain 10 is in a base parent, grain 11 in none.
    writes.add(new Pattern(0, 10L * Pattern.GRAIN, 2 * Pattern.GRAIN));
    qemu.write("top.vmdk", writes);
    assertThat(entry(dir.resolve("top.vmdk"), 10)).as("grain 10 of the delta is zeroed").isOne();
    assertThat(entry(dir.resolve("top.vmdk"), 11)).as("grain 11 of the delta is zeroed").isOne();
    long grain10Before = entry(dir.resolve(parent), 10);
    long parentLength = Files.size(dir.resolve(parent));
    Path raw = tmp.resolve("before.raw");
    qemu.convertToRaw("top.vmdk", raw);
    Path qemuCopy = copy(dir, tmp.resolve("qemu"));
    ExternalTools.run(
            qemuCopy,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "commit",
            "-f",
            "vmdk",
            "top.vmdk")
        .expectSuccess();

    Cli.run("commit", dir.resolve("top.vmdk"));

    qemu.assertCheckClean("top.vmdk");
    qemu.assertSameContent("top.vmdk", raw);
    assertThat(Vmdkinfo.of(dir, "top.vmdk").all("Filename")).containsExactly("top.vmdk");
    assertReadsLike(dir.resolve("top.vmdk"), raw, "seed " + seed);
    ExternalTools.run(
            tmp,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "compare",
            dir.resolve("top.vmdk"),
            qemuCopy.resolve(parent))
        .expectSuccess();
    long grain10 = entry(dir.resolve("top.vmdk"), 10);
    long grain11 = entry(dir.resolve("top.vmdk"), 11);
    if (base) {
      assertThat(grain10)
          .as("base grain zeroed in place")
          .isEqualTo(grain10Before)
          .isGreaterThan(1);
      assertThat(grain11).as("a base lacking the grain reads zeros already").isZero();
    } else if (zeroedParent) {
      assertThat(grain10).as("zeroed entry in a parent that allows them").isOne();
      assertThat(grain11).isOne();
    } else {
      assertThat(grain10 * 512)
          .as("zero grain appended to the parent")
          .isGreaterThanOrEqualTo(parentLength);
      assertThat(grain11 * 512).isGreaterThanOrEqualTo(parentLength);
    }
    System.out.printf(
        "CommitInteropTest zeroed, parent %s %s: ours %d bytes, qemu-img commit's %d bytes%n",
        kind,
        parentOptions,
        Files.size(dir.resolve("top.vmdk")),
        Files.size(qemuCopy.resolve(parent)));
  }

  @Test
  void aGrainTableTheParentLacksIsAppended(@TempDir Path tmp) throws IOException {
    long seed = Seeds.seed("CommitInteropTest.aGrainTableTheParentLacksIsAppended");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Qemu qemu = new Qemu(dir);
    qemu.create("sd0.vmdk", "64M");
    long half = 32L << 20;
    qemu.write("sd0.vmdk", Pattern.random(random, half, 6));
    // Directory entry 1 (the second 32 MiB) set to 0 in both directories: no table there at all,
    // which VMDK allows; qemu-img's tables are holes, so the disk reads the same.
    SparseExtent parent = SparseExtent.open(dir.resolve("sd0.vmdk"));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("sd0.vmdk").toFile(), "rw")) {
      for (long directory : new long[] {parent.header().gdOffset(), parent.header().rgdOffset()}) {
        f.seek(directory * 512 + 4);
        f.write(new byte[4]);
      }
    }
    qemu.assertCheckClean("sd0.vmdk");
    assertThat(SparseExtent.open(dir.resolve("sd0.vmdk")).grainDirectory().tableSector(1)).isZero();
    Cli.run("make", dir.resolve("sd0.vmdk"));
    List<Pattern> writes = new ArrayList<>(Pattern.random(random, 64L << 20, 6));
    writes.add(new Pattern(0x5c, half + 12345, 3 * Pattern.GRAIN));
    qemu.write("sd0.vmdk", writes);
    Path raw = tmp.resolve("before.raw");
    qemu.convertToRaw("sd0.vmdk", raw);

    Cli.run("commit", dir.resolve("sd0.vmdk"));

    assertThat(MakeDeleteInteropTest.fileNames(dir)).containsExactly("sd0.vmdk");
    qemu.assertCheckClean("sd0.vmdk");
    qemu.assertSameContent("sd0.vmdk", raw);
    assertThat(Vmdkinfo.of(dir, "sd0.vmdk").all("Filename")).containsExactly("sd0.vmdk");
    assertReadsLike(dir.resolve("sd0.vmdk"), raw, "seed " + seed);
    SparseExtent merged = SparseExtent.open(dir.resolve("sd0.vmdk"));
    long table = merged.grainDirectory().tableSector(1);
    long redundant = merged.redundantGrainDirectory().orElseThrow().tableSector(1);
    assertThat(table).as("new grain table").isGreaterThanOrEqualTo(merged.header().overHead());
    assertThat(redundant)
        .as("new redundant grain table")
        .isGreaterThanOrEqualTo(merged.header().overHead())
        .isNotEqualTo(table);
    byte[] a = bytes(dir.resolve("sd0.vmdk"), table * 512, 2048);
    byte[] b = bytes(dir.resolve("sd0.vmdk"), redundant * 512, 2048);
    assertThat(a).as("both copies of the new table").isEqualTo(b);
  }

  /** Patterns that write every {@code step}-th grain of the disk. */
  private static List<Pattern> fillEvery(SplittableRandom random, int grains, int step) {
    List<Pattern> fill = new ArrayList<>();
    for (int g = 0; g < grains; g += step) {
      fill.add(new Pattern(1 + random.nextInt(255), (long) g * Pattern.GRAIN, Pattern.GRAIN));
    }
    return fill;
  }

  /** The grain table entry of a grain in the first table of a disk. */
  private static long entry(Path disk, int grain) throws IOException {
    SparseExtent extent = SparseExtent.open(disk);
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
      GrainTable table = extent.readGrainTable(ch, 0);
      return table.grainSector(grain);
    }
  }

  /** Our own reader sees what qemu saw. */
  private static void assertReadsLike(Path disk, Path raw, String what) throws IOException {
    byte[] expected = Files.readAllBytes(raw);
    try (ChainReader reader = ChainReader.open(DiskChain.open(disk))) {
      byte[] all = new byte[expected.length];
      reader.read(0, all, 0, all.length);
      assertThat(Arrays.mismatch(all, expected)).as("first differing byte, " + what).isEqualTo(-1);
    }
  }

  private static byte[] bytes(Path file, long offset, int length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[length];
      f.seek(offset);
      f.readFully(b);
      return b;
    }
  }

  /** The descriptors differ in the CID and the extent's file name, nowhere else. */
  private static void assertDescriptorsDifferOnlyInCidAndName(Path ours, Path theirs, String name)
      throws IOException {
    String a = QemuDisks.descriptor(ours);
    String b = QemuDisks.descriptor(theirs);
    String top = ours.getFileName().toString();
    assertThat(a).contains("SPARSE \"" + top + "\"");
    assertThat(b).contains("SPARSE \"" + name + "\"");
    assertThat(a.replaceAll("(?m)^CID=.*$", "CID=").replace("\"" + top + "\"", "\"NAME\""))
        .isEqualTo(b.replaceAll("(?m)^CID=.*$", "CID=").replace("\"" + name + "\"", "\"NAME\""));
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }
}
