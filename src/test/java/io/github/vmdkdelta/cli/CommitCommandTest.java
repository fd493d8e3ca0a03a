package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code commit} through the command line: output, dry run, progress and --quiet. */
class CommitCommandTest {
  @TempDir Path dir;
  private Path disk;

  @BeforeEach
  void chain() throws IOException {
    disk = QemuDisks.base(dir, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 1 << 20, 0x11);
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 512 << 10, 1 << 20, 0x22);
  }

  @Test
  void commitSaysWhatItDidAndPrintsNothingElse() throws IOException {
    Cli r = Cli.run("commit", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .matches(
            "\\Q"
                + disk
                + ": committed into sd0-000000.vmdk, which is now sd0.vmdk (CID \\E[0-9a-f]{8}"
                + "\\Q, 1.0 MiB merged)\\E\\R");
    assertThat(dir.resolve("sd0-000000.vmdk")).doesNotExist();
    ExternalTools.run(dir, ExternalTools.require(ExternalTools.QEMU_IMG), "check", "sd0.vmdk")
        .expectSuccess();
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(dir);
    // The rewrite covers the parent's old descriptor text, which is the longer: the new one has a
    // CID of the same length and a shorter file name.
    int descriptorBytes = QemuDisks.descriptor(dir.resolve("sd0-000000.vmdk")).length();
    Cli r = Cli.run("--dry-run", "commit", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "would commit the delta "
                + disk
                + " into sd0-000000.vmdk (16 grains, 1.0 MiB; 512.0 KiB overwritten in place,"
                + " 8 grains appended; needs 1.0 MiB free):",
            "  merge the grains of "
                + disk
                + " into "
                + dir.resolve("sd0-000000.vmdk")
                + " (16 grains, 1048576 bytes), saving the bytes it overwrites in"
                + " .sd0.vmdk.vmdk-delta-undo",
            "  rename " + disk + " -> " + dir.resolve(".sd0.vmdk.vmdk-delta-old"),
            "  rename " + dir.resolve("sd0-000000.vmdk") + " -> " + disk,
            "  rewrite CID and extent file name in "
                + disk
                + " ("
                + descriptorBytes
                + " bytes at offset 512)",
            "  sync folder " + dir,
            "  delete " + dir.resolve(".sd0.vmdk.vmdk-delta-old"),
            "  delete " + dir.resolve(".sd0.vmdk.vmdk-delta-undo"),
            "  sync folder " + dir);
    before.assertUnchanged();
  }

  @Test
  void progressShowsOnATerminalUnlessQuiet() {
    Cli r = TestEnvironments.run(TestEnvironments.progress(true), "commit", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).matches("(\\rvmdk-delta: commit: +\\d+% \\([^)]*MB/s\\) *)+\\R");
    assertThat(r.err()).contains("100% (1.0 MiB of 1.0 MiB, ");
  }

  @Test
  void quietShowsNoProgress() {
    Cli r =
        TestEnvironments.run(TestEnvironments.progress(true), "commit", "--quiet", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void noProgressWhenStderrIsNoTerminal() {
    Cli r = TestEnvironments.run(TestEnvironments.progress(false), "commit", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void helpListsCommit() {
    Cli r = Cli.run("--help");
    assertThat(r.out()).containsPattern("(?m)^\\s+commit\\s+Merge the delta DISK into its parent");
    Cli help = Cli.run("commit", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("-q, --quiet").contains("Exit codes:");
  }

  @Test
  void aFailedCommitLeavesTheFolderAsItWasAndSaysWhy() throws IOException {
    Files.writeString(dir.resolve(".sd0.vmdk.vmdk-delta-undo"), "someone's");
    FolderSnapshot before = FolderSnapshot.of(dir);
    Cli r = Cli.run("commit", disk.toString());
    assertThat(r.code()).isEqualTo(7);
    before.assertUnchanged();
  }
}
