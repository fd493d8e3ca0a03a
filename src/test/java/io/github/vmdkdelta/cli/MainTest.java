package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: exit codes, one-line errors, help, version, dry run. */
class MainTest {
  @TempDir Path dir;

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "vmdk-delta: Missing command: make, delete, recover, info or check (try 'vmdk-delta"
                + " --help')");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli r = Cli.run("make", "--frobnicate", "x.vmdk");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("vmdk-delta: Unknown option: '--frobnicate'");
  }

  @Test
  void missingDiskArgumentIsAUsageError() {
    Cli r = Cli.run("delete");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "vmdk-delta: Missing required parameter: 'DISK' (try 'vmdk-delta --help')");
  }

  @Test
  void missingFileIsAnIoError() {
    Path missing = dir.resolve("nothere.vmdk");
    Cli r = Cli.run("make", missing.toString());
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.errLines()).containsExactly("vmdk-delta: " + missing + ": no such file");
  }

  @Test
  void deleteOfABaseSaysThereIsNothingToDelete() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    Cli r = Cli.run("delete", disk.toString());
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.errLines())
        .containsExactly(
            "vmdk-delta: "
                + disk
                + ": delete: not a delta disk (no parentFileNameHint): there is no snapshot to"
                + " delete");
  }

  @Test
  void verbosePrintsTheStackTraceToo() {
    Cli r = Cli.run("--verbose", "make", dir.resolve("nothere.vmdk").toString());
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.errLines().length).isGreaterThan(1);
    assertThat(r.err()).contains("NoSuchFileException").contains("\tat ");
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    Cli r = Cli.run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("make", "delete", "recover", "--dry-run", "--force", "--verbose")
        .contains("7  disk in use (VMware lock present) or a name the operation needs already");
  }

  @Test
  void versionNamesTheToolAndTheRuntime() {
    Cli r = Cli.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("vmdk-delta ")
        .contains("Java " + System.getProperty("java.version"));
  }

  @Test
  void makeAndDeleteReportWhatTheyDid() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    Cli made = Cli.run("make", disk.toString());
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(made.err()).isEmpty();
    assertThat(made.out())
        .startsWith(disk + ": snapshot made; the disk as it was is frozen in sd0-000000.vmdk");
    Cli deleted = Cli.run("delete", disk.toString());
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(deleted.out().strip())
        .isEqualTo(disk + ": snapshot deleted; sd0-000000.vmdk is back as sd0.vmdk");
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    FolderSnapshot before = FolderSnapshot.of(dir);
    Cli r = Cli.run("--dry-run", "make", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("create " + dir.resolve(".sd0.vmdk.vmdk-delta-new"))
        .contains("rename " + disk + " -> " + dir.resolve("sd0-000000.vmdk"))
        .contains("rewrite extent file name in " + dir.resolve("sd0-000000.vmdk"));
    before.assertUnchanged();

    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    FolderSnapshot made = FolderSnapshot.of(dir);
    Cli d = Cli.run("--dry-run", "delete", disk.toString());
    assertThat(d.code()).as(d.err()).isZero();
    assertThat(d.out()).contains("rename " + dir.resolve("sd0-000000.vmdk") + " -> " + disk);
    made.assertUnchanged();
  }

  @Test
  void recoverOnACleanFolderSaysSo() {
    Cli r = Cli.run("recover", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo(dir + ": nothing to recover");
  }

  @Test
  void recoverOnAMissingFolderIsAnIoError() {
    Cli r = Cli.run("recover", dir.resolve("gone").toString());
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.errLines()).hasSize(1);
  }

  @Test
  void aKilledMakeIsRecoveredByTheNextCommand() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    FolderSnapshot before = FolderSnapshot.of(dir);
    // A journal whose plan was written, and the first step done: the disk renamed.
    Files.move(disk, dir.resolve("sd0-000000.vmdk"));
    Files.writeString(
        dir.resolve(".vmdk-delta-journal"),
        "vmdk-delta journal 1\n"
            + "operation make sd0.vmdk\n"
            + "step rename sd0.vmdk sd0-000000.vmdk\n"
            + "step sync-folder\n"
            + "plan-end\n");
    Cli r = Cli.run("--dry-run", "make", disk.toString());
    assertThat(r.err()).contains("note: an interrupted operation left a journal");
    Cli recovered = Cli.run("recover", dir.toString());
    assertThat(recovered.code()).as(recovered.err()).isZero();
    assertThat(recovered.out().strip())
        .isEqualTo(
            "recovered an interrupted 'make' of " + dir.resolve("sd0.vmdk") + ": rolled back");
    before.assertUnchanged();
  }
}
