package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.RawVmdk;
import io.github.vmdkdelta.testing.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library side of check and info, on copies of testdata (made by qemu-img, see its README):
 * generated single-entry damage classified by an independent model of the file, and the entries
 * beyond the capacity that readers never look at.
 */
class ChainCheckTest {
  private static final Path TESTDATA =
      Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("testdata");

  @TempDir Path dir;

  private Path copy(String name) throws IOException {
    return Files.copy(
        TESTDATA.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void cleanTestdataHasNoProblems() throws IOException {
    for (String n : List.of("base.vmdk", "delta.vmdk", "delta-zeroed.vmdk", "odd.vmdk")) {
      copy(n);
    }
    for (String n : List.of("delta.vmdk", "delta-zeroed.vmdk", "odd.vmdk")) {
      ChainCheck.Report r = ChainCheck.run(dir.resolve(n), false);
      assertThat(r.problems()).as(n).isEmpty();
      assertThat(r.clean()).isTrue();
    }
  }

  @Test
  void anEntryBeyondTheCapacityIsAWarningAndNotCounted() throws IOException {
    // odd.vmdk: 1000 KiB = 15.6 grains, so entries 16 to 511 of its one table lie beyond it.
    Path odd = copy("odd.vmdk");
    RawVmdk raw = RawVmdk.of(odd);
    long dataSector = raw.gte(15);
    assertThat(dataSector).isGreaterThanOrEqualTo(128);
    raw.setBothGtes(100, dataSector);

    ChainCheck.Report r = ChainCheck.run(odd, false);

    assertThat(r.clean()).isTrue();
    assertThat(r.warnings())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo(odd);
              assertThat(p.what()).isEqualTo("grain table");
              assertThat(p.message())
                  .isEqualTo(
                      "entry for grain 100 lies beyond the disk's capacity but is set (sector "
                          + dataSector
                          + ", expected 0; readers ignore it)");
            });
    ChainInfo info = ChainInfo.read(odd, false);
    assertThat(info.layers()).singleElement().extracting(LayerInfo::allocatedGrains).isEqualTo(1L);
  }

  /**
   * One grain table entry of delta.vmdk set to a random value, in both tables or only the grain
   * table; what check reports is compared with a model of the file built here: delta.vmdk is 384
   * sectors, grains start at overHead 128, grain 1 is at sector 128 and grain 63 at 256, 64 grains
   * of 128 sectors in a table of 512 entries.
   */
  @Test
  void generatedEntryDamageIsClassifiedLikeTheModel() throws IOException {
    long seed = Seeds.seed("ChainCheckTest.generatedEntryDamageIsClassifiedLikeTheModel");
    SplittableRandom random = new SplittableRandom(seed);
    copy("base.vmdk");
    Map<Long, Long> pristine = Map.of(1L, 128L, 63L, 256L);
    for (int trial = 0; trial < 150; trial++) {
      Path delta = copy("delta.vmdk");
      RawVmdk raw = RawVmdk.of(delta);
      assertThat(raw.fileSectors()).isEqualTo(384);
      assertThat(raw.gte(1)).isEqualTo(128);
      assertThat(raw.gte(63)).isEqualTo(256);
      long grain = random.nextInt(4) == 0 ? 64 + random.nextInt(448) : random.nextInt(64);
      long value =
          switch (random.nextInt(7)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(127); // inside the metadata
            case 2 -> 128 * (1 + random.nextInt(2)); // on an existing grain
            case 3 -> 129 + random.nextInt(255); // off the boundary, inside the file
            case 4 -> 257 + random.nextInt(127); // off the boundary, crossing the end
            case 5 -> 384 + random.nextInt(1000); // past the end
            default -> Integer.toUnsignedLong(random.nextInt()); // anything
          };
      boolean onlyGrainTable = random.nextInt(5) == 0;
      long before = raw.gte(grain);
      if (onlyGrainTable) {
        raw.setGte(grain, value);
      } else {
        raw.setBothGtes(grain, value);
      }

      TreeSet<String> expected = model(pristine, grain, value);
      if (onlyGrainTable && value != before) {
        expected.add("redundant copy differs");
      }
      ChainCheck.Report r = ChainCheck.run(delta, false);
      TreeSet<String> actual = classify(r.problems());
      assertThat(actual)
          .as(
              "trial %d: grain %d set to %d%s, seed %d: %s",
              trial,
              grain,
              value,
              onlyGrainTable ? " in the grain table only" : "",
              seed,
              r.problems())
          .isEqualTo(expected);
      assertThat(r.clean()).isEqualTo(expected.stream().noneMatch(k -> !k.startsWith("warning")));
    }
  }

  /** The kinds of problem a file with this one entry changed has, by the model. */
  private static TreeSet<String> model(Map<Long, Long> pristine, long grain, long value) {
    TreeSet<String> kinds = new TreeSet<>();
    if (value == 0) {
      return kinds;
    }
    if (grain >= 64) {
      kinds.add("warning: beyond capacity");
      return kinds;
    }
    if (value < 128) {
      kinds.add("points into the metadata");
      return kinds;
    }
    if ((value + 128) > 384) {
      kinds.add("past the end");
      return kinds;
    }
    if (value % 128 != 0) {
      kinds.add("warning: off the boundary");
    }
    for (Map.Entry<Long, Long> other : pristine.entrySet()) {
      long s = other.getValue();
      if (other.getKey() != grain && value < s + 128 && s < value + 128) {
        kinds.add(value == s ? "same grain" : "overlap");
      }
    }
    return kinds;
  }

  private static TreeSet<String> classify(List<Problem> problems) {
    TreeSet<String> kinds = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    for (Problem p : problems) {
      String m = p.message();
      String kind =
          m.contains("beyond the disk's capacity")
              ? "warning: beyond capacity"
              : m.contains("points into the metadata")
                  ? "points into the metadata"
                  : m.contains("past the end of the file")
                      ? "past the end"
                      : m.contains("not on a grain boundary")
                          ? "warning: off the boundary"
                          : m.contains("point at the same grain")
                              ? "same grain"
                              : m.contains("overlap in the file")
                                  ? "overlap"
                                  : m.contains("and its redundant copy differ")
                                      ? "redundant copy differs"
                                      : null;
      if (kind == null) {
        unknown.add(p.describe());
      } else {
        assertThat(p.isError()).as(m).isEqualTo(!kind.startsWith("warning"));
        kinds.add(kind);
      }
    }
    assertThat(unknown).as("problems the model does not know").isEmpty();
    return kinds;
  }
}
