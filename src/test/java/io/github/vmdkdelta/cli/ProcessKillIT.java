package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.ops.DeleteDelta;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.Recovery;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import io.github.vmdkdelta.testing.ToolProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the real vmdk-delta process before chosen file changes (the first, middle and last, and the
 * first of each kind: {@link KillPoints}; every change is swept in-process by FaultInjectionTest),
 * then recovers from a fresh process: the folder must hold the disk as before, or a complete, valid
 * snapshot.
 */
class ProcessKillIT {
  @TempDir Path root;

  private Path template(boolean withDelta) throws IOException {
    Path folder = Files.createDirectories(root.resolve(withDelta ? "t-delta" : "t-base"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x31);
    if (withDelta) {
      ToolProcess.run(List.of(), "make", disk.toString()).expectSuccess();
      QemuDisks.write(disk, 1 << 20, 65536, 0x32);
    }
    return folder;
  }

  private Path copyOf(Path template, String name) throws IOException {
    return TestFolders.copyOf(template, root, name);
  }

  private static final KillPoints.Operation MAKE =
      (ops, folder) ->
          new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT)
              .run(folder.resolve("sd0.vmdk"));
  private static final KillPoints.Operation DELETE =
      (ops, folder) -> new DeleteDelta(ops, Options.DEFAULT).run(folder.resolve("sd0.vmdk"));
  private static final KillPoints.Operation RECOVER =
      (ops, folder) -> new Recovery(ops).recoverFolder(folder);

  @Test
  void makeKilledAtEachKindOfStepIsRecovered() throws IOException {
    Path template = template(false);
    Path raw = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("before.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    KillPoints points = KillPoints.record(template, root, "record-make", MAKE);
    assertThat(points.count()).as("file changes of make").isGreaterThan(10);
    int newStates = 0;
    System.out.println("ProcessKillIT: " + points);
    for (int k : points.chosen()) {
      Path folder = copyOf(template, "make-" + k);
      Path disk = folder.resolve("sd0.vmdk");
      var killed =
          ToolProcess.run(List.of("-Dvmdk-delta.test.haltAtIo=" + k), "make", disk.toString());
      ToolProcess.run(List.of(), "recover", folder.toString()).expectSuccess();
      Map<String, String> now = FolderSnapshot.of(folder).entries();
      if (!now.equals(before)) {
        assertThat(now.keySet())
            .as("kill at %d", k)
            .isEqualTo(Set.of("sd0.vmdk", "sd0-000000.vmdk"));
        assertValidSnapshot(folder, raw);
        newStates++;
      }
      points.expect(k, killed);
    }
    assertThat(newStates).as("kills after the commit point complete the snapshot").isPositive();
  }

  /**
   * make killed at its middle file change, then its recovery killed at the middle one of its own:
   * the next recovery leaves what one recovery left alone (every point of every recovery is swept
   * in-process by FaultInjectionTest.crashDuringRecoveryIsRecoveredByTheNextRecovery).
   */
  @Test
  void recoveryKilledIsRecoveredByTheNextRecovery() throws IOException {
    Path template = template(false);
    int middle = KillPoints.record(template, root, "record-recovery", MAKE).middle();
    Path crashed = copyOf(template, "recovery-crashed");
    var killed =
        ToolProcess.run(
            List.of("-Dvmdk-delta.test.haltAtIo=" + middle),
            "make",
            crashed.resolve("sd0.vmdk").toString());
    assertThat(killed.exitCode()).as(killed.output()).isEqualTo(TestMain.HALT_STATUS);
    KillPoints recovery = KillPoints.record(crashed, root, "record-recover", RECOVER);
    assertThat(recovery.count()).as("file changes of the recovery").isPositive();
    System.out.println("ProcessKillIT: make killed at " + middle + ", its recovery: " + recovery);
    Path once = copyOf(crashed, "recovery-once");
    ToolProcess.run(List.of(), "recover", once.toString()).expectSuccess();
    Path twice = copyOf(crashed, "recovery-twice");
    int k = recovery.middle();
    var halted =
        ToolProcess.run(List.of("-Dvmdk-delta.test.haltAtIo=" + k), "recover", twice.toString());
    recovery.expect(k, halted);
    ToolProcess.run(List.of(), "recover", twice.toString()).expectSuccess();
    assertThat(FolderSnapshot.of(twice).entries())
        .as("recovered after a killed recovery, as after one recovery")
        .isEqualTo(FolderSnapshot.of(once).entries());
  }

  @Test
  void deleteKilledAtEachKindOfStepIsRecovered() throws IOException {
    Path template = template(true);
    Path rawBefore = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("with.raw"));
    Path rawParent =
        QemuDisks.toRaw(template.resolve("sd0-000000.vmdk"), root.resolve("parent.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    KillPoints points = KillPoints.record(template, root, "record-delete", DELETE);
    System.out.println("ProcessKillIT: " + points);
    for (int k : points.chosen()) {
      Path folder = copyOf(template, "delete-" + k);
      Path disk = folder.resolve("sd0.vmdk");
      var killed =
          ToolProcess.run(List.of("-Dvmdk-delta.test.haltAtIo=" + k), "delete", disk.toString());
      ToolProcess.run(List.of(), "recover", folder.toString()).expectSuccess();
      Map<String, String> now = FolderSnapshot.of(folder).entries();
      if (now.equals(before)) {
        compare(folder, "sd0.vmdk", rawBefore);
      } else {
        assertThat(now.keySet()).as("kill at %d", k).isEqualTo(Set.of("sd0.vmdk"));
        compare(folder, "sd0.vmdk", rawParent);
      }
      points.expect(k, killed);
    }
  }

  @Test
  void makeAndDeleteOfASplitDiskKilledAtEachKindOfStepLeaveOneStateOrTheOther() throws IOException {
    Path template = Files.createDirectories(root.resolve("t-split"));
    Path original = QemuDisks.base(template, "sd0.vmdk", "64M", "twoGbMaxExtentSparse");
    QemuDisks.write(original, 0, 65536, 0x33);
    Path raw = QemuDisks.toRaw(original, root.resolve("split.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path made = copyOf(template, "split-made");
    ToolProcess.run(List.of(), "make", made.resolve("sd0.vmdk").toString()).expectSuccess();
    Map<String, String> after = FolderSnapshot.of(made).entries();
    assertThat(after.keySet())
        .isEqualTo(Set.of("sd0.vmdk", "sd0-000000.vmdk", "sd0-000000-s001.vmdk"));

    for (String verb : List.of("make", "delete")) {
      Path start = verb.equals("make") ? template : made;
      Map<String, String> from = verb.equals("make") ? before : after;
      Map<String, String> to = verb.equals("make") ? after : before;
      KillPoints points =
          KillPoints.record(
              start, root, "record-split-" + verb, verb.equals("make") ? MAKE : DELETE);
      System.out.println("ProcessKillIT: " + points);
      for (int k : points.chosen()) {
        Path folder = copyOf(start, "split-" + verb + "-" + k);
        var killed =
            ToolProcess.run(
                List.of("-Dvmdk-delta.test.haltAtIo=" + k),
                verb,
                folder.resolve("sd0.vmdk").toString());
        ToolProcess.run(List.of(), "recover", folder.toString()).expectSuccess();
        Map<String, String> now = FolderSnapshot.of(folder).entries();
        if (now.keySet().equals(to.keySet()) && verb.equals("make")) {
          // A new delta has a fresh CID of its own each run: compare what it reads.
          compare(folder, "sd0.vmdk", raw);
          assertThat(now.get("sd0-000000-s001.vmdk")).isEqualTo(to.get("sd0-000000-s001.vmdk"));
          assertThat(now.get("sd0-000000.vmdk")).isEqualTo(to.get("sd0-000000.vmdk"));
        } else {
          assertThat(now).as("%s killed at %d, then recovered", verb, k).isIn(from, to);
        }
        points.expect(k, killed);
      }
    }
  }

  private static void assertValidSnapshot(Path folder, Path raw) throws IOException {
    Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
    ExternalTools.run(folder, qemuImg, "check", "sd0.vmdk").expectSuccess();
    compare(folder, "sd0.vmdk", raw);
    String descriptor = QemuDisks.descriptor(folder.resolve("sd0-000000.vmdk"));
    assertThat(descriptor).contains("SPARSE \"sd0-000000.vmdk\"");
  }

  private static void compare(Path folder, String disk, Path raw) throws IOException {
    Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
    ExternalTools.run(folder, qemuImg, "compare", "-f", "vmdk", "-F", "raw", disk, raw.toString())
        .expectSuccess();
  }

  @Test
  void twoProcessesOnOneDiskOneWinsTheOtherRefuses() throws Exception {
    Path folder = template(false);
    Path disk = folder.resolve("sd0.vmdk");
    Path logA = root.resolve("a.log");
    // A pauses while it holds the journal (created and locked, before its first write), until B
    // has run: a latch on A's own word, not a sleep that a slow start of B could outlast.
    Path resume = root.resolve("resume-a");
    Process a =
        ToolProcess.start(
            List.of(
                "-Dvmdk-delta.test.pauseBefore=write:.vmdk-delta-journal",
                "-Dvmdk-delta.test.resumeWhen=" + resume),
            logA,
            "make",
            disk.toString());
    ExternalTools.Result b;
    try {
      for (long deadline = System.nanoTime() + 60_000_000_000L;
          !Files.readString(logA).contains("vmdk-delta.test: paused")
              && a.isAlive()
              && System.nanoTime() - deadline < 0; ) {
        Thread.sleep(10);
      }
      assertThat(Files.readString(logA)).as("A paused holding the journal").contains("paused");
      assertThat(folder.resolve(".vmdk-delta-journal")).as("A holds the journal").exists();
      b = ToolProcess.run(List.of(), "make", disk.toString());
    } finally {
      Files.write(resume, new byte[0]);
    }
    assertThat(a.waitFor()).as(Files.readString(logA)).isZero();
    assertThat(b.exitCode()).as(b.output()).isEqualTo(7);
    assertThat(b.output()).contains("another vmdk-delta");
    Set<String> names;
    try (Stream<Path> files = Files.list(folder)) {
      names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertThat(names).isEqualTo(Set.of("sd0.vmdk", "sd0-000000.vmdk"));
    ExternalTools.run(folder, ExternalTools.require(ExternalTools.QEMU_IMG), "check", "sd0.vmdk")
        .expectSuccess();
  }
}
