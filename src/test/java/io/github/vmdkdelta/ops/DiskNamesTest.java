package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hidden names operations give files fit in a file name, and are found again. */
class DiskNamesTest {
  private static final Path BASE = Path.of("testdata", "base.vmdk");
  private static final Path DIR = Path.of("/vm");

  private static final List<UnaryOperator<Path>> HIDDEN =
      List.of(
          DiskNames::newDeltaName,
          DiskNames::discardedDeltaName,
          DiskNames::replacedDescriptorName,
          DiskNames::undoLogName);

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void hiddenNamesFitAndAreNeverLongerThanALongNameTheyStandFor() {
    for (String unit : List.of("x", "é", "日", "\uD83D\uDE00")) {
      for (int n = 1; bytes(unit.repeat(n) + ".vmdk") <= 255; n++) {
        String name = unit.repeat(n) + ".vmdk";
        for (UnaryOperator<Path> hidden : HIDDEN) {
          String h = hidden.apply(DIR.resolve(name)).getFileName().toString();
          assertThat(bytes(h)).as(h).isLessThanOrEqualTo(255);
          assertThat(h).startsWith(".").contains(".vmdk-delta-");
          if (bytes("." + name + ".vmdk-delta-replaced") <= 255) {
            assertThat(h).as("short names keep the plain form").startsWith("." + name + ".");
          } else if (bytes("." + name + ".vmdk-delta-new") > 255) {
            assertThat(bytes(h)).as(h).isLessThanOrEqualTo(bytes(name));
          }
          assertThat(DiskNames.isHiddenNameOf(h, name)).as(h).isTrue();
        }
      }
    }
  }

  @Test
  void longNamesSharingAPrefixGetDifferentHiddenNames() {
    String prefix = "x".repeat(240);
    Set<String> seen = new HashSet<>();
    for (String tail : List.of("a.vmdk", "b.vmdk", "a.VMDK", "ab.vmdk")) {
      Path disk = DIR.resolve(prefix + tail);
      for (UnaryOperator<Path> hidden : HIDDEN) {
        String h = hidden.apply(disk).getFileName().toString();
        assertThat(seen.add(h)).as(h).isTrue();
        for (String other : List.of("a.vmdk", "b.vmdk", "a.VMDK", "ab.vmdk")) {
          assertThat(DiskNames.isHiddenNameOf(h, prefix + other)).isEqualTo(other.equals(tail));
        }
      }
    }
  }

  /**
   * A leftover under the shortened name of a long disk name stops make (exit 7, nothing changed)
   * and check reports it, as for {@code .sd0.vmdk.vmdk-delta-new}.
   */
  @Test
  void aShortenedLeftoverIsRefusedByMakeAndReportedByCheck(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path disk = Files.copy(BASE, dir.resolve("y".repeat(240) + ".vmdk"));
    Path leftover = Files.writeString(DiskNames.newDeltaName(disk), "left by a killed make");
    assertThat(leftover.getFileName().toString()).doesNotContain(disk.getFileName().toString());
    FolderSnapshot before = FolderSnapshot.of(dir);

    Cli make = Cli.run("make", disk.toString());
    assertThat(make.code()).as(make.err()).isEqualTo(7);
    assertThat(make.err()).contains(leftover.getFileName().toString(), "interrupted vmdk-delta");
    before.assertUnchanged();

    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).isEqualTo(3);
    assertThat(check.out())
        .contains(leftover.getFileName().toString() + ": temporary file: left by an interrupted");
  }

  /** An operation on the disk named {@code name} in a folder. */
  interface Operation {
    void run(SafeFileOperations ops, Path disk) throws IOException;
  }

  /**
   * With a 248-byte name, whose hidden names are all shortened, a crash at any primitive of make,
   * delete, revert or commit is recovered from the journal to the old or the new state: recovery
   * finds the shortened names the journal recorded.
   */
  @Test
  void crashesWithShortenedHiddenNamesAreRecovered(@TempDir Path tmp) throws IOException {
    String name = "z".repeat(243) + ".vmdk";
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    Files.copy(BASE, plain.resolve(name));
    Path withDelta = Files.createDirectory(tmp.resolve("with-delta"));
    Files.copy(BASE, withDelta.resolve(name));
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT)
        .run(withDelta.resolve(name));
    // a grain of data in the delta, for commit to merge
    QemuDisks.write(withDelta.resolve(name), 0, 65536, 0x5a);

    crashEverywhere(
        tmp,
        plain,
        name,
        (ops, d) -> new MakeDelta(ops, new SplittableRandom(2), Options.DEFAULT).run(d));
    crashEverywhere(tmp, withDelta, name, (ops, d) -> new DeleteDelta(ops, Options.DEFAULT).run(d));
    crashEverywhere(
        tmp,
        withDelta,
        name,
        (ops, d) -> new RevertDelta(ops, new SplittableRandom(3), Options.DEFAULT).run(d));
    crashEverywhere(
        tmp,
        withDelta,
        name,
        (ops, d) -> new CommitDelta(ops, new SplittableRandom(4), Options.DEFAULT).run(d));
  }

  private static void crashEverywhere(Path tmp, Path template, String name, Operation op)
      throws IOException {
    var before = FolderSnapshot.of(template).entries();
    Path reference = TestFolders.copyOf(template, tmp, "reference-" + counter);
    FaultInjectionTest.FailAt count = new FaultInjectionTest.FailAt(0, false);
    op.run(new SafeFileOperations(count), reference.resolve(name));
    var after = FolderSnapshot.of(reference).entries();
    boolean sawShortenedName = false;
    for (int k = 1; k <= count.count.get(); k++) {
      Path crashed = TestFolders.copyOf(template, tmp, "crash-" + counter++);
      FaultInjectionTest.FailAt crash = new FaultInjectionTest.FailAt(k, true);
      try {
        op.run(new SafeFileOperations(crash), crashed.resolve(name));
      } catch (FaultInjectionTest.SimulatedCrash expected) {
        // the folder holds a journal and a half-done operation
      }
      try (var files = Files.list(crashed)) {
        sawShortenedName |=
            files.anyMatch(f -> f.getFileName().toString().matches("\\.z+~[0-9a-f]{8}\\..*"));
      }
      new Recovery(new SafeFileOperations()).recoverFolder(crashed);
      assertThat(FolderSnapshot.of(crashed).entries())
          .as("crash at primitive %d, then recovered: old or new state", k)
          .isIn(before, after);
    }
    assertThat(sawShortenedName).as("a crash left a shortened hidden name to recover").isTrue();
  }

  private static int counter;
}
