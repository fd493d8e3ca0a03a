package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.ops.FaultInjectionTest.FailAt;
import io.github.vmdkdelta.ops.FaultInjectionTest.SimulatedCrash;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
 * Fails every file primitive of {@code commit} in turn, once as an error (the commit must roll
 * back: folder byte for byte as before) and once as a crash (recovery from the journal and the undo
 * log must leave the folder byte for byte as before or as after). The data seen through the disk
 * after the commit is checked with qemu-img against a raw copy made before it, so both states hold
 * that data.
 *
 * <p>The chain has a delta parent, so that every kind of change a merge makes happens: data grains
 * overwritten in place and appended, zeroed grains written as zeros in place and appended as holes,
 * the last (partial) grain; small batches make many undo records and table flushes. Split and flat
 * parents add a merge step per extent file, flat files overwritten in place, grains straddling two
 * flat extents, and the renames of the extent files.
 */
class CommitFaultInjectionTest {
  private static final long SEED = 20261126L;

  /** Two grains per batch: the merge below takes several batches. */
  private static final int SMALL_BATCH = 128 * 1024;

  @TempDir Path root;

  private static void commit(SafeFileOperations ops, Path folder, int batchBytes)
      throws IOException {
    new CommitDelta(ops, new SplittableRandom(SEED), Options.DEFAULT, batchBytes)
        .run(folder.resolve("sd0.vmdk"));
  }

  /** sd0-000000.vmdk (base) <- sd0-000001.vmdk <- sd0.vmdk (zeroed-grain entries), 8100 KiB. */
  private Path template() throws IOException {
    Path folder = Files.createDirectories(root.resolve("template"));
    Path base = QemuDisks.base(folder, "sd0-000000.vmdk", "8100K");
    long capacity = 8100 * 1024;
    QemuDisks.write(base, 0, 2 << 20, 0x11);
    QemuDisks.write(base, capacity - 4096, 4096, 0x12);
    Path mid = QemuDisks.delta(folder, "sd0-000001.vmdk", "sd0-000000.vmdk");
    QemuDisks.write(mid, 1 << 20, 512 << 10, 0x21);
    QemuDisks.write(mid, 4 << 20, 64 << 10, 0x22);
    Path top = zeroedGrainDelta(folder, "sd0.vmdk", "sd0-000001.vmdk");
    QemuDisks.write(top, (5 << 20) / 4, 256 << 10, 0x31); // over the parent's grains: in place
    QemuDisks.write(top, 6 << 20, 200 << 10, 0x32); // grains the parent lacks: appended
    QemuDisks.write(top, capacity - 1000, 1000, 0x33); // the partial last grain
    zero(top, 4 << 20, 64 << 10); // a parent grain: zeros in place
    zero(top, 0, 128 << 10); // base data the parent lacks: a hole grain appended
    return folder;
  }

  /** qemu-img's delta with zeroed-grain entries (GTE 1), which {@code write -z} sets. */
  private static Path zeroedGrainDelta(Path folder, String name, String parent) throws IOException {
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "create",
            "-f",
            "vmdk",
            "-o",
            "zeroed_grain=on",
            "-b",
            parent,
            "-F",
            "vmdk",
            name)
        .expectSuccess();
    return folder.resolve(name);
  }

  private static void zero(Path disk, long offset, long length) throws IOException {
    ExternalTools.run(
            disk.getParent(),
            ExternalTools.require(ExternalTools.QEMU_IO),
            "-c",
            "write -z " + offset + " " + length,
            disk.getFileName().toString())
        .expectSuccess();
  }

  private Path copyOf(Path template, String name) throws IOException {
    Path folder = Files.createDirectories(root.resolve(name));
    try (Stream<Path> files = Files.list(template)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, folder.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return folder;
  }

  /** Copies of a flat disk are real bytes: remove each when it is checked. */
  private static void deleteFolder(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(folder);
  }

  private static void assertSameData(Path folder, Path raw, String what) throws IOException {
    String out =
        ExternalTools.run(
                folder,
                ExternalTools.require(ExternalTools.QEMU_IMG),
                "compare",
                "-f",
                "vmdk",
                "-F",
                "raw",
                "sd0.vmdk",
                raw)
            .output();
    assertThat(out).as("data seen through sd0.vmdk, %s", what).contains("Images are identical.");
  }

  @Test
  void commitFailingAtAnyPrimitiveRollsBackOrCompletes() throws IOException {
    List<String> actions =
        failEveryPrimitive(template(), SMALL_BATCH, Set.of("sd0.vmdk", "sd0-000000.vmdk"));
    assertThat(actions).as("primitives of a commit").contains("write", "force", "set-length");
  }

  @Test
  void commitInOneBatchFailingAtAnyPrimitiveRollsBackOrCompletes() throws IOException {
    failEveryPrimitive(
        template(),
        io.github.vmdkdelta.vmdk.DeltaMerge.DEFAULT_BATCH_BYTES,
        Set.of("sd0.vmdk", "sd0-000000.vmdk"));
  }

  /**
   * A split or flat parent: a merge step per extent file, then the descriptor written under the
   * delta's name and the extent files renamed to its stem.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "twoGbMaxExtentSparse, 5G, sd0.vmdk sd0-s001.vmdk sd0-s002.vmdk sd0-s003.vmdk",
    "monolithicFlat, 8M, sd0.vmdk sd0-flat.vmdk",
    "hand-cut twoGbMaxExtentFlat, 2100 2000 1000, sd0.vmdk sd0-f001.vmdk sd0-f002.vmdk"
        + " sd0-f003.vmdk",
  })
  void commitIntoASplitOrFlatParentFailingAtAnyPrimitiveRollsBackOrCompletes(
      String subformat, String size, String namesAfter) throws IOException {
    List<String> actions =
        failEveryPrimitive(
            splitTemplate(subformat, size), SMALL_BATCH, Set.of(namesAfter.split(" ")));
    assertThat(actions).as("primitives of a commit").contains("write", "force", "create");
  }

  /**
   * sd0-000000.vmdk, a split or flat base made by qemu-img (or by hand, with extents of {@code
   * size} sectors), with data across the places where its extents meet, <- sd0.vmdk, qemu's delta
   * with zeroed-grain entries: data and zeros over the parent's data and over its holes, and across
   * the extents' ends.
   */
  private Path splitTemplate(String subformat, String size) throws IOException {
    Path folder = Files.createDirectories(root.resolve("template"));
    List<Long> ends = new ArrayList<>();
    if (subformat.startsWith("hand-cut")) {
      StringBuilder lines = new StringBuilder();
      long end = 0;
      for (String sectors : size.split(" ")) {
        String file = String.format("sd0-000000-f%03d.vmdk", ends.size() + 1);
        Files.write(folder.resolve(file), new byte[Integer.parseInt(sectors) * 512]);
        lines.append("RW ").append(sectors).append(" FLAT \"").append(file).append("\" 0\n");
        end += Long.parseLong(sectors) * 512;
        ends.add(end);
      }
      Files.writeString(
          folder.resolve("sd0-000000.vmdk"),
          "# Disk DescriptorFile\nversion=1\nCID=1234abcd\nparentCID=ffffffff\n"
              + "createType=\"twoGbMaxExtentFlat\"\n\n# Extent description\n"
              + lines
              + "\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n");
    } else {
      QemuDisks.base(folder, "sd0-000000.vmdk", size, subformat);
      long capacity = size.endsWith("G") ? Long.parseLong(size.replace("G", "")) << 30 : 8 << 20;
      for (long end = Math.min(2L << 30, capacity); end <= capacity; end += 2L << 30) {
        ends.add(end);
      }
      if (ends.get(ends.size() - 1) != capacity) {
        ends.add(capacity);
      }
    }
    long capacity = ends.get(ends.size() - 1);
    Path base = folder.resolve("sd0-000000.vmdk");
    QemuDisks.write(base, 0, 1 << 20, 0x11);
    for (long end : ends.subList(0, ends.size() - 1)) {
      QemuDisks.write(base, end - (200 << 10), 400 << 10, 0x12);
    }
    Path top = zeroedGrainDelta(folder, "sd0.vmdk", "sd0-000000.vmdk");
    QemuDisks.write(top, capacity - 4096, 4096, 0x34); // the last grain
    QemuDisks.write(top, 300 << 10, 200 << 10, 0x31); // over the parent's data
    QemuDisks.write(top, capacity / 2 + 1000, 150 << 10, 0x32); // over its holes
    zero(top, 0, 128 << 10); // zeros over the parent's data
    zero(top, capacity / 2 - (256 << 10), 128 << 10); // zeros over its holes
    for (long end : ends.subList(0, ends.size() - 1)) {
      QemuDisks.write(top, end - 100_000, 200_000, 0x33);
      zero(top, end - (192 << 10), 64 << 10);
      QemuDisks.write(top, end + (300 << 10), 64 << 10, 0x35); // over its holes
    }
    return folder;
  }

  private List<String> failEveryPrimitive(Path template, int batchBytes, Set<String> namesAfter)
      throws IOException {
    Path raw = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("before.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path reference = copyOf(template, "reference");
    List<String> actions = new ArrayList<>();
    commit(new SafeFileOperations((action, path) -> actions.add(action)), reference, batchBytes);
    Map<String, String> after = FolderSnapshot.of(reference).entries();
    assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(namesAfter);
    assertSameData(reference, raw, "after the commit");
    int primitives = actions.size();
    System.out.printf(
        "CommitFaultInjectionTest: a commit into %s in batches of %d bytes makes %d file"
            + " changes%n",
        namesAfter, batchBytes, primitives);

    int rolledBack = 0;
    int completed = 0;
    for (int k = 1; k <= primitives; k++) {
      Path failed = copyOf(template, "fail-" + k);
      boolean threw = false;
      try {
        commit(new SafeFileOperations(new FailAt(k, false)), failed, batchBytes);
      } catch (IOException e) {
        assertThat(e).hasMessageContaining("injected failure");
        threw = true;
      }
      if (threw) {
        assertThat(FolderSnapshot.of(failed).entries())
            .as(
                "commit failing at primitive %d (%s) must leave the folder as it was",
                k, actions.get(k - 1))
            .isEqualTo(before);
      } else {
        new Recovery(new SafeFileOperations()).recoverFolder(failed);
        assertThat(FolderSnapshot.of(failed).entries())
            .as("commit failing at primitive %d after its commit point", k)
            .isEqualTo(after);
      }
      // Byte for byte as before or as after: the data is what it was checked to be there.
      deleteFolder(failed);

      Path crashed = copyOf(template, "crash-" + k);
      FailAt crash = new FailAt(k, true);
      assertThatThrownBy(() -> commit(new SafeFileOperations(crash), crashed, batchBytes))
          .isInstanceOf(SimulatedCrash.class);
      new Recovery(new SafeFileOperations()).recoverFolder(crashed);
      Map<String, String> recovered = FolderSnapshot.of(crashed).entries();
      assertThat(recovered)
          .as(
              "commit crashing at primitive %d (%s), then recovered: old or new state",
              k, actions.get(k - 1))
          .isIn(before, after);
      if (recovered.equals(before)) {
        rolledBack++;
      } else {
        completed++;
      }
      deleteFolder(crashed);
    }
    assertThat(rolledBack).as("crashes rolled back").isGreaterThan(primitives / 2);
    assertThat(completed).as("crashes completed").isPositive();
    return actions;
  }

  @Test
  void crashDuringTheRollbackOfAMergeIsRecoveredByTheNextRecovery() throws IOException {
    Path template = template();
    Path raw = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("before.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    // Find a crash point half-way through the merge: after the third write to the parent.
    List<String> actions = new ArrayList<>();
    commit(
        new SafeFileOperations((action, path) -> actions.add(action + " " + path.getFileName())),
        copyOf(template, "count"),
        SMALL_BATCH);
    int parentWrites = 0;
    int crashAt = -1;
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i).equals("write sd0-000001.vmdk") && ++parentWrites == 3) {
        crashAt = i + 2; // the primitive after that write
      }
    }
    assertThat(crashAt).as("a third write to the parent").isPositive();

    int recoveries = 0;
    for (int k = 1; ; k++) {
      Path folder = copyOf(template, "twice-" + k);
      int at = crashAt;
      assertThatThrownBy(
              () -> commit(new SafeFileOperations(new FailAt(at, true)), folder, SMALL_BATCH))
          .isInstanceOf(SimulatedCrash.class);
      assertThat(folder.resolve(".sd0.vmdk.vmdk-delta-undo")).as("undo log of the merge").exists();
      boolean recoveryCrashed = false;
      try {
        new Recovery(new SafeFileOperations(new FailAt(k, true))).recoverFolder(folder);
      } catch (SimulatedCrash expected) {
        recoveryCrashed = true;
      }
      new Recovery(new SafeFileOperations()).recoverFolder(folder);
      assertThat(FolderSnapshot.of(folder).entries())
          .as("recovery crashing at primitive %d, then recovered again", k)
          .isEqualTo(before);
      assertSameData(folder, raw, "after recovery crashed at " + k);
      recoveries++;
      if (!recoveryCrashed) {
        break;
      }
    }
    assertThat(recoveries).as("primitives of a recovery of a merge").isGreaterThan(5);
  }
}
