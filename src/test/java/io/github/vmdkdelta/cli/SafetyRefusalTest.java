package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import io.github.vmdkdelta.testing.RefusalCheck.Setup;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of the safety rules, through the command line: the exit code of the design notes,
 * one line on stderr naming the problem, and every file (in the folder and a sentinel beside it)
 * byte for byte as it was.
 */
class SafetyRefusalTest {
  @TempDir Path root;

  static Stream<Arguments> refusals() {
    return Stream.of(
        row("delete of a base disk", f -> {}, "delete", 4, "not a delta disk"),
        row("revert of a base disk", f -> {}, "revert", 4, "no snapshot to revert"),
        row(
            "make on a symbolic link to a disk elsewhere",
            f -> {
              Path elsewhere = Files.createDirectories(f.getParent().resolve("elsewhere"));
              Files.move(f.resolve("sd0.vmdk"), elsewhere.resolve("real.vmdk"));
              Files.createSymbolicLink(f.resolve("sd0.vmdk"), elsewhere.resolve("real.vmdk"));
            },
            "make",
            4,
            "is a symbolic link"),
        row(
            // Commit renamed the link aside and deleted it, leaving the delta it named behind.
            "commit of a delta that is a symbolic link",
            f -> {
              make(f);
              Path elsewhere = Files.createDirectories(f.getParent().resolve("elsewhere"));
              Files.move(f.resolve("sd0.vmdk"), elsewhere.resolve("real.vmdk"));
              Files.createSymbolicLink(f.resolve("sd0.vmdk"), elsewhere.resolve("real.vmdk"));
            },
            "commit",
            4,
            "is a symbolic link"),
        row(
            "revert with a leftover new delta",
            f -> {
              make(f);
              Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-new"), "x");
            },
            "revert",
            7,
            "interrupted"),
        row(
            "revert of a delta another delta depends on",
            f -> {
              make(f);
              QemuDisks.delta(f, "other.vmdk", "sd0.vmdk");
            },
            "revert",
            7,
            "other.vmdk is another delta of this disk (its parent is this file); revert would break it"),
        row(
            "make when the frozen name is taken",
            f -> Files.writeString(f.resolve("sd0-000000.vmdk"), "someone's file"),
            "make",
            7,
            "sd0-000000.vmdk: name: already exists"),
        row(
            "make with a leftover new delta",
            f -> Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-new"), "x"),
            "make",
            7,
            "interrupted"),
        row(
            "delete with a leftover discarded delta",
            f -> {
              make(f);
              Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-old"), "x");
            },
            "delete",
            7,
            "interrupted"),
        row(
            "make on a disk locked by VMware",
            f -> {
              Files.createDirectory(f.resolve("sd0.vmdk.lck"));
              Files.writeString(
                  f.resolve("sd0.vmdk.lck/M31337.lck"), "4f6b2c1a 2211-1700000000 7 X rest\0\0");
            },
            "make",
            7,
            "held by machine 4f6b2c1a, process 2211-1700000000"),
        row(
            "make on a disk with an old-style lock file",
            f -> Files.writeString(f.resolve("sd0.vmdk.lck"), ""),
            "make",
            7,
            "in use by VMware (sd0.vmdk.lck)"),
        row(
            "delete with the parent locked",
            f -> {
              make(f);
              Files.createDirectory(f.resolve("sd0-000000.vmdk.lck"));
            },
            "delete",
            7,
            "sd0-000000.vmdk: lock: in use by VMware"),
        row(
            "make while the VM that uses the disk runs",
            f -> {
              Files.writeString(f.resolve("My VM.vmx"), "scsi0:0.fileName = \"sd0.vmdk\"\n");
              Files.createDirectory(f.resolve("My VM.vmx.lck"));
            },
            "make",
            7,
            "My VM.vmx: lock: in use by VMware"),
        row(
            "make on a disk another delta depends on",
            f -> QemuDisks.delta(f, "other.vmdk", "sd0.vmdk"),
            "make",
            7,
            "sd0.vmdk: children: other.vmdk is another delta of this disk (its parent is this file); make would"),
        row(
            "make on a frozen disk under a snapshot",
            SafetyRefusalTest::make,
            "make sd0-000000.vmdk",
            7,
            "sd0.vmdk is another delta of this disk"),
        row(
            "delete when the parent has another delta",
            f -> {
              make(f);
              Files.copy(f.resolve("sd0.vmdk"), f.resolve("other.vmdk"));
            },
            "delete",
            7,
            "other.vmdk is another delta of this disk"),
        row(
            "make on a disk in a Workstation snapshot list",
            f ->
                Files.writeString(
                    f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0.vmdk\"\n"),
            "make",
            7,
            "snapshot list vm.vmsd"),
        row(
            "make on a chain whose CIDs do not link",
            f -> {
              make(f);
              // qemu writes the CID without leading zeros, make writes the parentCID with them.
              long cid = Long.parseLong(cidOf(f.resolve("sd0-000000.vmdk")), 16);
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"),
                  String.format("parentCID=%08x", cid),
                  "parentCID=0badc1d0");
            },
            "make",
            5,
            "parentCID: does not match the parent's CID (parentCID 0badc1d0"),
        row(
            "make on a delta whose parent is missing",
            f -> {
              make(f);
              Files.move(f.resolve("sd0-000000.vmdk"), f.getParent().resolve("moved.vmdk"));
            },
            "make",
            5,
            "parent disk not found"),
        row(
            "make with a hint leaving the folder",
            f -> {
              make(f);
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"), "\"sd0-000000.vmdk\"", "\"../sd0-000000.vmdk\"");
            },
            "make",
            5,
            "parent hint leaves the disk's folder"),
        row(
            "make with an absolute hint",
            f -> {
              make(f);
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"), "\"sd0-000000.vmdk\"", "\"/etc/sd0-000000.vmdk\"");
            },
            "make",
            5,
            "parent hint leaves the disk's folder"),
        row(
            "make on a delta that is its own parent",
            f -> {
              make(f);
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"), "\"sd0-000000.vmdk\"", "\"sd0.vmdk\"");
            },
            "make",
            5,
            "loops back"),
        row(
            "make on a disk not closed cleanly",
            f -> QemuDisks.setHeaderByte(f.resolve("sd0.vmdk"), 72, 1),
            "make",
            7,
            "not closed cleanly"),
        row(
            "make on a truncated disk",
            f -> {
              try (FileChannel ch =
                  FileChannel.open(f.resolve("sd0.vmdk"), StandardOpenOption.WRITE)) {
                ch.truncate(4096);
              }
            },
            "make",
            3,
            "sd0.vmdk: header"),
        row(
            "make with an unreadable journal in the folder",
            f -> Files.writeString(f.resolve(".vmdk-delta-journal"), "not a journal\n"),
            "make",
            6,
            "journal unreadable"));
  }

  private static Arguments row(String name, Setup setup, String verb, int code, String fragment) {
    return Arguments.of(name, setup, verb, code, fragment);
  }

  static void make(Path folder) {
    Cli r = Cli.run("make", folder.resolve("sd0.vmdk").toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  /** The CID as written: qemu writes a changed CID without leading zeros. */
  static String cidOf(Path disk) throws IOException {
    String d = QemuDisks.descriptor(disk);
    int at = d.indexOf("\nCID=") + 5;
    return d.substring(at, d.indexOf('\n', at));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAndChangesNothing(String name, Setup setup, String verb, int code, String fragment)
      throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(root, setup, verb, code, fragment);
  }

  @Test
  void refusesWhileAnotherProcessHoldsTheJournal() throws IOException {
    Path folder = Files.createDirectory(root.resolve("vm"));
    QemuDisks.base(folder, "sd0.vmdk", "64M");
    Path journal = folder.resolve(".vmdk-delta-journal");
    try (FileChannel ch =
            FileChannel.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        var lock = ch.lock()) {
      FolderSnapshot before = FolderSnapshot.of(root);
      Cli r = Cli.run("make", folder.resolve("sd0.vmdk").toString());
      assertThat(r.code()).as(r.err()).isEqualTo(7);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err()).contains("another vmdk-delta");
      before.assertUnchanged();
    }
  }

  @Test
  void forceOverridesAStaleLockAndSaysWhoHeldIt() throws IOException {
    Path folder = Files.createDirectory(root.resolve("vm"));
    QemuDisks.base(folder, "sd0.vmdk", "64M");
    Files.createDirectory(folder.resolve("sd0.vmdk.lck"));
    Files.writeString(folder.resolve("sd0.vmdk.lck/M00001.lck"), "hostA 999-1 3 X\0");
    Cli r = Cli.run("--force", "make", folder.resolve("sd0.vmdk").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("ignoring the VMware lock")
        .contains("machine hostA, process 999-1");
    assertThat(folder.resolve("sd0-000000.vmdk")).exists();
  }

  @Test
  void outsideParentIsReadOnlyWithTheOptionAndNeverRenamed() throws IOException {
    Path shared = Files.createDirectory(root.resolve("shared"));
    Path folder = Files.createDirectory(root.resolve("vm"));
    QemuDisks.base(shared, "base.vmdk", "64M");
    Files.copy(shared.resolve("base.vmdk"), folder.resolve("sd0.vmdk"));
    make(folder);
    // sd0.vmdk now names sd0-000000.vmdk; point it at the shared base instead.
    Files.delete(folder.resolve("sd0-000000.vmdk"));
    QemuDisks.editDescriptor(
        folder.resolve("sd0.vmdk"), "\"sd0-000000.vmdk\"", "\"../shared/base.vmdk\"");
    // sd0-000000.vmdk was a copy of base.vmdk, so the CID link still holds.

    Cli refused = Cli.run("make", folder.resolve("sd0.vmdk").toString());
    assertThat(refused.code()).isEqualTo(5);

    Cli made =
        Cli.run("--allow-parent-outside-folder", "make", folder.resolve("sd0.vmdk").toString());
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(folder.resolve("sd0-000001.vmdk")).exists();
    assertThat(shared.resolve("base.vmdk")).exists();

    FolderSnapshot before = FolderSnapshot.of(root);
    Cli delete =
        Cli.run(
            "--allow-parent-outside-folder",
            "delete",
            folder.resolve("sd0-000001.vmdk").toString());
    assertThat(delete.code()).as(delete.err()).isEqualTo(4);
    assertThat(delete.err()).contains("another folder");
    before.assertUnchanged();
  }
}
