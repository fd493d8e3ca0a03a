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
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails every file primitive of {@code commit} in turn, once as an error (the commit must roll
 * back: folder byte for byte as before) and once as a crash (recovery from the journal and the undo
 * log must leave the folder byte for byte as before or as after). In both cases the data seen
 * through the disk is checked with qemu-img against a raw copy made before the commit.
 *
 * <p>The chain has a delta parent, so that every kind of change a merge makes happens: data grains
 * overwritten in place and appended, zeroed grains written as zeros in place and appended as holes,
 * the last (partial) grain; small batches make many undo records and table flushes.
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
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "create",
            "-f",
            "vmdk",
            "-o",
            "zeroed_grain=on",
            "-b",
            "sd0-000001.vmdk",
            "-F",
            "vmdk",
            "sd0.vmdk")
        .expectSuccess();
    Path top = folder.resolve("sd0.vmdk");
    QemuDisks.write(top, (5 << 20) / 4, 256 << 10, 0x31); // over the parent's grains: in place
    QemuDisks.write(top, 6 << 20, 200 << 10, 0x32); // grains the parent lacks: appended
    QemuDisks.write(top, capacity - 1000, 1000, 0x33); // the partial last grain
    zero(top, 4 << 20, 64 << 10); // a parent grain: zeros in place
    zero(top, 0, 128 << 10); // base data the parent lacks: a hole grain appended
    return folder;
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
    failEveryPrimitive(SMALL_BATCH);
  }

  @Test
  void commitInOneBatchFailingAtAnyPrimitiveRollsBackOrCompletes() throws IOException {
    failEveryPrimitive(io.github.vmdkdelta.vmdk.DeltaMerge.DEFAULT_BATCH_BYTES);
  }

  private void failEveryPrimitive(int batchBytes) throws IOException {
    Path template = template();
    Path raw = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("before.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path reference = copyOf(template, "reference");
    List<String> actions = new ArrayList<>();
    commit(new SafeFileOperations((action, path) -> actions.add(action)), reference, batchBytes);
    Map<String, String> after = FolderSnapshot.of(reference).entries();
    assertThat(after.keySet()).containsExactlyInAnyOrder("sd0.vmdk", "sd0-000000.vmdk");
    assertSameData(reference, raw, "after the commit");
    int primitives = actions.size();
    System.out.printf(
        "CommitFaultInjectionTest: a commit in batches of %d bytes makes %d file changes%n",
        batchBytes, primitives);
    assertThat(actions).as("primitives of a commit").contains("write", "force", "set-length");

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
      assertSameData(failed, raw, "after a failure at primitive " + k);

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
      assertSameData(crashed, raw, "after a crash at primitive " + k + " and recovery");
    }
    assertThat(rolledBack).as("crashes rolled back").isGreaterThan(primitives / 2);
    assertThat(completed).as("crashes completed").isPositive();
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
