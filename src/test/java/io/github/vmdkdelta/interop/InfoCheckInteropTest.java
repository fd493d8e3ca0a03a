package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code info} and {@code check} against qemu: on chains of 1 to 5 disks made by qemu-img and by
 * our {@code make}, with data written by qemu-io at seeded random offsets (the last, partial grain
 * included), every value {@code info --json} shares with {@code qemu-img info --backing-chain}
 * agrees, the allocated bytes of each disk equal the grains qemu-io wrote into it (counted here
 * from the writes), and {@code check} finds nothing, as {@code qemu-img check} does.
 */
class InfoCheckInteropTest {
  private static final int GRAIN = Pattern.GRAIN;

  static Stream<Arguments> chains() {
    List<Arguments> rows = new ArrayList<>();
    for (String maker : List.of("qemu-img", "make")) {
      for (int depth = 1; depth <= 5; depth++) {
        // 20000K ends in a partial grain; 100M needs 4 grain tables.
        rows.add(Arguments.of(maker, depth, depth % 2 == 1 ? "20000K" : "100M"));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}, {1} disks, {2}")
  @MethodSource("chains")
  void infoAgreesWithQemuAndCheckFindsNothing(
      String maker, int depth, String size, @TempDir Path dir) throws IOException {
    long seed = Seeds.seed("InfoCheckInteropTest[" + maker + ", " + depth + ", " + size + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Qemu qemu = new Qemu(dir);
    // The grains written while each disk was the top of the chain, by the disk's final name.
    Map<String, TreeSet<Long>> written = new LinkedHashMap<>();
    String leaf;
    if (maker.equals("qemu-img")) {
      qemu.create("l0.vmdk", size);
      for (int k = 0; ; k++) {
        String name = "l" + k + ".vmdk";
        written.put(name, writeRandom(qemu, name, random));
        if (k == depth - 1) {
          leaf = name;
          break;
        }
        qemu.createDelta("l" + (k + 1) + ".vmdk", name);
      }
    } else {
      qemu.create("sd0.vmdk", size);
      List<TreeSet<Long>> perStep = new ArrayList<>();
      for (int k = 0; k < depth; k++) {
        if (k > 0) {
          Cli.run("make", dir.resolve("sd0.vmdk"));
        }
        perStep.add(writeRandom(qemu, "sd0.vmdk", random));
      }
      // The disk on top at step k was frozen as sd0-00000k by the next make.
      for (int k = depth - 1; k >= 0; k--) {
        String name = k == depth - 1 ? "sd0.vmdk" : String.format("sd0-%06d.vmdk", k);
        written.put(name, perStep.get(k));
      }
      leaf = "sd0.vmdk";
    }
    FolderSnapshot before = FolderSnapshot.of(dir);

    List<Map<String, Object>> theirs = qemu.infoChain(leaf);
    io.github.vmdkdelta.testing.Cli info =
        io.github.vmdkdelta.testing.Cli.run("info", "--json", dir.resolve(leaf).toString());
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.err()).isEmpty();
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) JsonDocuments.parse(info.out());
    assertThat(doc)
        .containsEntry("disk", dir.resolve(leaf).toString())
        .containsEntry("complete", true)
        .containsEntry("error", null);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ours = (List<Map<String, Object>>) doc.get("layers");
    assertThat(ours).hasSize(depth);
    assertThat(theirs).hasSize(depth);
    for (int i = 0; i < depth; i++) {
      Map<String, Object> o = ours.get(i);
      Map<String, Object> q = theirs.get(i);
      String name = Path.of((String) q.get("filename")).getFileName().toString();
      String what = "layer " + i + " (" + name + "), seed " + seed;
      assertThat(o.get("name")).as(what).isEqualTo(name);
      assertThat(o.get("file")).as(what).isEqualTo(dir.resolve(name).toString());
      assertThat(o.get("capacity_bytes")).as(what).isEqualTo(q.get("virtual-size"));
      assertThat(o.get("grain_size_bytes")).as(what).isEqualTo(q.get("cluster-size"));
      assertThat(o.get("create_type")).as(what).isEqualTo(qemuData(q).get("create-type"));
      assertThat(o.get("cid")).as(what).isEqualTo(String.format("%08x", Qemu.cid(q)));
      assertThat(o.get("parent_cid")).as(what).isEqualTo(String.format("%08x", Qemu.parentCid(q)));
      assertThat(o.get("parent_hint")).as(what).isEqualTo(q.get("backing-filename"));
      assertThat(o.get("role")).as(what).isEqualTo(i + 1 < depth ? "delta" : "base");
      assertThat(o.get("parent_cid_matches")).as(what).isEqualTo(i + 1 < depth ? true : null);
      assertThat(o.get("capacity_matches_parent")).as(what).isEqualTo(i + 1 < depth ? true : null);
      long grains = written.get(name).size();
      assertThat(o.get("allocated_grains")).as(what).isEqualTo(grains);
      assertThat(o.get("allocated_bytes")).as(what).isEqualTo(grains * GRAIN);
      assertThat(o.get("zeroed_grains")).as(what).isEqualTo(0L);
      assertThat(o.get("file_size_bytes")).as(what).isEqualTo(Files.size(dir.resolve(name)));
      assertThat(o.get("lock")).as(what).isNull();
    }

    io.github.vmdkdelta.testing.Cli text =
        io.github.vmdkdelta.testing.Cli.run("info", dir.resolve(leaf).toString());
    assertThat(text.code()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines).hasSize(depth + 1);
    for (int i = 0; i < depth; i++) {
      assertThat(lines.get(i + 1)).startsWith(ours.get(i).get("name") + " ").doesNotContain("!");
    }

    io.github.vmdkdelta.testing.Cli check =
        io.github.vmdkdelta.testing.Cli.run("check", dir.resolve(leaf).toString());
    assertThat(check.code()).as(check.out()).isZero();
    assertThat(check.out()).endsWith("No problems found.\n");
    for (String name : written.keySet()) {
      qemu.assertCheckClean(name);
    }
    before.assertUnchanged();
  }

  /**
   * Writes random patterns into the image and returns the grains they touch: qemu allocates a whole
   * grain for any write into it (copying the rest from the parent).
   */
  private static TreeSet<Long> writeRandom(Qemu qemu, String image, SplittableRandom random)
      throws IOException {
    long capacity = (Long) qemu.infoChain(image).get(0).get("virtual-size");
    List<Pattern> patterns = Pattern.random(random, capacity, 2 + random.nextInt(7));
    qemu.write(image, patterns);
    TreeSet<Long> grains = new TreeSet<>();
    for (Pattern p : patterns) {
      for (long g = p.offset() / GRAIN; g <= (p.offset() + p.length() - 1) / GRAIN; g++) {
        grains.add(g);
      }
    }
    return grains;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> qemuData(Map<String, Object> info) {
    return (Map<String, Object>) ((Map<String, Object>) info.get("format-specific")).get("data");
  }

  /** Zeroed grains (qemu's zeroed_grain option) count apart, and hide nothing from check. */
  @Test
  void zeroedGrainsAreCountedApart(@TempDir Path dir) throws IOException {
    Qemu qemu = new Qemu(dir);
    qemu.create("base.vmdk", "8M");
    qemu.write("base.vmdk", List.of(new Pattern(0x11, 0, 4 * GRAIN)));
    qemu.createDelta("top.vmdk", "base.vmdk", "-o", "zeroed_grain=on");
    // Two whole grains zeroed, one grain written with data.
    qemu.write(
        "top.vmdk", List.of(new Pattern(0, GRAIN, 2 * GRAIN), new Pattern(0x22, 5 * GRAIN, 10)));

    io.github.vmdkdelta.testing.Cli info =
        io.github.vmdkdelta.testing.Cli.run("info", "--json", dir.resolve("top.vmdk").toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> top =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) JsonDocuments.parse(info.out())).get("layers"))
            .get(0);
    assertThat(top)
        .containsEntry("zeroed_grains", 2L)
        .containsEntry("allocated_grains", 1L)
        .containsEntry("allocated_bytes", (long) GRAIN);
    io.github.vmdkdelta.testing.Cli check =
        io.github.vmdkdelta.testing.Cli.run("check", dir.resolve("top.vmdk").toString());
    assertThat(check.code()).as(check.out()).isZero();
    assertThat(check.out()).doesNotContain("warning");
  }

  /**
   * Tables scattered over the file (here: both directories' tables shuffled the same way, which
   * keeps the file sound) are read one by one once whole windows stop paying off: the check stays
   * quick and finds nothing wrong.
   */
  @Test
  void checksA2TiBDiskWithScatteredTablesQuickly(@TempDir Path dir) throws IOException {
    long seed = Seeds.seed("InfoCheckInteropTest.checksA2TiBDiskWithScatteredTablesQuickly");
    Qemu qemu = new Qemu(dir);
    qemu.create("big.vmdk", "2T");
    qemu.write("big.vmdk", List.of(new Pattern(0x11, 0, 10)));
    io.github.vmdkdelta.testing.RawVmdk raw =
        io.github.vmdkdelta.testing.RawVmdk.of(dir.resolve("big.vmdk"));
    int tables = 65536;
    long[] gd = raw.gdEntries(tables);
    long[] rgd = raw.rgdEntries(tables);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = tables - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = gd[i];
      gd[i] = gd[j];
      gd[j] = t;
      t = rgd[i];
      rgd[i] = rgd[j];
      rgd[j] = t;
    }
    raw.setGdEntries(gd);
    raw.setRgdEntries(rgd);

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          io.github.vmdkdelta.testing.Cli check =
              io.github.vmdkdelta.testing.Cli.run("check", dir.resolve("big.vmdk").toString());
          assertThat(check.code()).as(check.out()).isZero();
          assertThat(check.out()).endsWith("No problems found.\n");
        });
    qemu.assertCheckClean("big.vmdk");
  }

  /** Bounded work: a 2 TiB chain has 65536 grain tables per copy per disk. */
  @Test
  void checksAndCountsA2TiBChainQuickly(@TempDir Path dir) throws IOException {
    Qemu qemu = new Qemu(dir);
    qemu.create("big.vmdk", "2T");
    long last = 2L * 1024 * 1024 * 1024 * 1024 - GRAIN;
    qemu.write("big.vmdk", List.of(new Pattern(0x11, 0, 10), new Pattern(0x22, last, GRAIN)));
    Cli.run("make", dir.resolve("big.vmdk"));
    qemu.write("big.vmdk", List.of(new Pattern(0x33, (last + GRAIN) / 2, 3 * GRAIN)));

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          io.github.vmdkdelta.testing.Cli check =
              io.github.vmdkdelta.testing.Cli.run("check", dir.resolve("big.vmdk").toString());
          assertThat(check.code()).as(check.out()).isZero();
          io.github.vmdkdelta.testing.Cli info =
              io.github.vmdkdelta.testing.Cli.run(
                  "info", "--json", dir.resolve("big.vmdk").toString());
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> layers =
              (List<Map<String, Object>>)
                  ((Map<String, Object>) JsonDocuments.parse(info.out())).get("layers");
          assertThat(layers).extracting(l -> l.get("allocated_grains")).containsExactly(3L, 2L);
        });
  }
}
