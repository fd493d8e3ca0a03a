package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import io.github.vmdkdelta.testing.VmdkFixture;
import io.github.vmdkdelta.vmdk.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots {@code make} must not make because nothing could undo them (issue 13, section 2), and
 * {@code delete} as the exact inverse of {@code make} when the disk's extent line names another
 * file.
 */
class UndoableSnapshotTest {
  @TempDir Path tmp;

  /** A chain of {@code n} disks built by an independent writer: d0 (base) to d{n-1}. */
  private static Path chain(Path dir, int n) throws IOException {
    Path leaf = null;
    for (int i = 0; i < n; i++) {
      VmdkFixture f =
          i == 0
              ? VmdkFixture.base("d0.vmdk")
              : VmdkFixture.delta("d" + i + ".vmdk", "d" + (i - 1) + ".vmdk", 0x1000 + i - 1);
      leaf = f.capacitySectors(64).grainSize(8).numGTEsPerGT(16).cid(0x1000 + i).writeTo(dir);
    }
    return leaf;
  }

  @Test
  void makeOnAChainAtTheDepthCapIsRefusedWithNothingChanged() throws IOException {
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        tmp,
        dir -> chain(dir, Limits.MAX_CHAIN_DEPTH),
        "make d" + (Limits.MAX_CHAIN_DEPTH - 1) + ".vmdk",
        5,
        "chain already 255 disks deep",
        "deeper than 255 disks",
        "commit or delete a snapshot first");
  }

  @Test
  void makeJustBelowTheCapGivesAChainEveryCommandStillOpens() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path leaf = chain(dir, Limits.MAX_CHAIN_DEPTH - 1);

    Cli make = Cli.run("make", leaf.toString());
    assertThat(make.code()).as(make.err()).isZero();
    Cli info = Cli.run("info", leaf.toString());
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out().lines().count()).isEqualTo(1 + Limits.MAX_CHAIN_DEPTH);
    Cli delete = Cli.run("delete", leaf.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
  }

  /**
   * A disk qemu-img created as {@code old-name.vmdk} and its user renamed: its extent line still
   * says {@code "old-name.vmdk"}. make then delete gives back the very same bytes; revert and
   * commit leave a chain that check accepts.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"old-name.vmdk", "sd0.vmdk.bak", "SD0.vmdk"})
  void extentLineNamingAnotherFileComesBackAsItWas(String createdAs) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    QemuDisks.base(dir, createdAs, "64M");
    QemuDisks.write(dir.resolve(createdAs), 0, 65536, 0x11);
    Path disk = Files.move(dir.resolve(createdAs), dir.resolve("sd0.vmdk"));
    assertThat(QemuDisks.descriptor(disk)).contains("\"" + createdAs + "\"");
    FolderSnapshot original = FolderSnapshot.of(dir);

    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    assertThat(QemuDisks.descriptor(dir.resolve("sd0-000000.vmdk")))
        .as("the frozen disk's line, kept as found")
        .contains("\"" + createdAs + "\"");
    Cli delete = Cli.run("delete", disk.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    original.assertUnchanged();

    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 65536, 65536, 0x22);
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();
    assertThat(Cli.run("check", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 65536, 65536, 0x33);
    Cli commit = Cli.run("commit", "--quiet", disk.toString());
    assertThat(commit.code()).as(commit.err()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out()).isZero();
    assertThat(QemuDisks.descriptor(disk)).contains("\"" + createdAs + "\"");
  }

  /**
   * A split or flat disk created as {@code old.vmdk} and renamed by its user: its extent files
   * ({@code old-s001.vmdk}) keep their names through make, and delete gives back every byte.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"twoGbMaxExtentSparse", "monolithicFlat"})
  void descriptorFileOfARenamedDiskComesBackAsItWas(String subformat) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    QemuDisks.base(dir, "old.vmdk", "8M", subformat);
    QemuDisks.write(dir.resolve("old.vmdk"), 0, 65536, 0x11);
    Path disk = Files.move(dir.resolve("old.vmdk"), dir.resolve("sd0.vmdk"));
    FolderSnapshot original = FolderSnapshot.of(dir);

    Cli make = Cli.run("make", disk.toString());
    assertThat(make.code()).as(make.err()).isZero();
    assertThat(Cli.run("check", disk.toString()).code()).isZero();
    Cli delete = Cli.run("delete", disk.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    original.assertUnchanged();
  }

  @Test
  void extentLineNamingTheFrozenNameIsRefusedSinceDeleteCouldNotRestoreIt() throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(
        tmp,
        dir ->
            QemuDisks.editDescriptor(
                dir.resolve("sd0.vmdk"), "\"sd0.vmdk\"", "\"sd0-000000.vmdk\""),
        "make",
        4,
        "extent line: names sd0-000000.vmdk, the name the disk would be frozen under");
  }
}
