package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import io.github.vmdkdelta.testing.RefusalCheck.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Who depends on this file", for every operation and every file it renames, rewrites or removes: a
 * disk or snapshot list that would be left depending on a changed file refuses the operation (exit
 * 7) and leaves the folder as it was. Issue 13.1: {@code delete} of a middle delta gave its name to
 * the parent, so the delta above it read its parent's data as its own.
 */
class DependentsRefusalTest {
  @TempDir Path root;

  static Stream<Arguments> refusals() {
    return Stream.of(
        row(
            "delete of a middle delta made by make",
            f -> {
              make(f, "sd0.vmdk");
              QemuDisks.write(f.resolve("sd0.vmdk"), 1 << 20, 65536, 0x22);
              make(f, "sd0.vmdk");
            },
            "delete sd0-000001.vmdk",
            "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk"),
        row(
            "delete of a middle delta made by qemu-img",
            f -> {
              Files.move(f.resolve("sd0.vmdk"), f.resolve("base.vmdk"));
              QemuDisks.delta(f, "mid.vmdk", "base.vmdk");
              QemuDisks.write(f.resolve("mid.vmdk"), 1 << 20, 65536, 0x22);
              QemuDisks.delta(f, "top.vmdk", "mid.vmdk");
            },
            "delete mid.vmdk",
            "mid.vmdk: children: top.vmdk is another delta of this disk"),
        row(
            "delete of a delta that has a second child beside the chain",
            f -> {
              make(f, "sd0.vmdk");
              QemuDisks.delta(f, "other.vmdk", "sd0.vmdk");
            },
            "delete",
            "sd0.vmdk: children: other.vmdk is another delta of this disk"),
        row(
            "delete when the parent has another delta",
            f -> {
              make(f, "sd0.vmdk");
              QemuDisks.delta(f, "other.vmdk", "sd0-000000.vmdk");
            },
            "delete",
            "sd0-000000.vmdk: children: other.vmdk is another delta of this disk"),
        row(
            "revert of a middle delta",
            f -> {
              make(f, "sd0.vmdk");
              make(f, "sd0.vmdk");
            },
            "revert sd0-000001.vmdk",
            "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk"),
        row(
            "commit of a middle delta",
            f -> {
              make(f, "sd0.vmdk");
              make(f, "sd0.vmdk");
            },
            "commit sd0-000001.vmdk",
            "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk"),
        row(
            "commit when the parent has another delta",
            f -> {
              make(f, "sd0.vmdk");
              QemuDisks.delta(f, "other.vmdk", "sd0-000000.vmdk");
            },
            "commit",
            "sd0-000000.vmdk: children: other.vmdk is another delta of this disk"),
        row(
            "make on a middle delta",
            f -> {
              make(f, "sd0.vmdk");
              make(f, "sd0.vmdk");
            },
            "make sd0-000001.vmdk",
            "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk"),
        row(
            "delete of a delta a Workstation snapshot list names",
            f -> {
              make(f, "sd0.vmdk");
              Files.writeString(f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0.vmdk\"\n");
            },
            "delete",
            "sd0.vmdk: name: VMware Workstation's snapshot list vm.vmsd names this file"),
        row(
            "revert of a delta a Workstation snapshot list names",
            f -> {
              make(f, "sd0.vmdk");
              Files.writeString(f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0.vmdk\"\n");
            },
            "revert",
            "snapshot list vm.vmsd names this file"),
        row(
            "commit of a delta a Workstation snapshot list names",
            f -> {
              make(f, "sd0.vmdk");
              Files.writeString(f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0.vmdk\"\n");
            },
            "commit",
            "snapshot list vm.vmsd names this file"));
  }

  private static Arguments row(String name, Setup setup, String verb, String fragment) {
    return Arguments.of(name, setup, verb, fragment);
  }

  private static void make(Path folder, String disk) {
    Cli r = Cli.run("make", folder.resolve(disk).toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAndChangesNothing(String name, Setup setup, String verb, String fragment)
      throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(root, setup, verb, 7, fragment);
  }

  @Test
  void deleteOfAMiddleDeltaOnASplitParentIsRefused() throws IOException {
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        root,
        f -> {
          QemuDisks.base(f, "sd0.vmdk", "64M", "twoGbMaxExtentSparse");
          make(f, "sd0.vmdk");
          make(f, "sd0.vmdk");
        },
        "delete sd0-000001.vmdk",
        7,
        "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk");
  }

  /** The reproduction: after the refused delete, the data above is still readable. */
  @Test
  void deleteOfAMiddleDeltaKeepsTheDataAboveIt() throws IOException {
    Path vm = Files.createDirectory(root.resolve("vm"));
    Path disk = QemuDisks.base(vm, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x11);
    make(vm, "sd0.vmdk");
    QemuDisks.write(disk, 1 << 20, 65536, 0x22);
    make(vm, "sd0.vmdk");
    FolderSnapshot before = FolderSnapshot.of(vm);

    Cli r = Cli.run("delete", vm.resolve("sd0-000001.vmdk").toString());

    assertThat(r.code()).as(r.err()).isEqualTo(7);
    before.assertUnchanged();
    String read =
        ExternalTools.run(
                vm,
                ExternalTools.require(ExternalTools.QEMU_IO),
                "-c",
                "read -P 0x22 1M 64k",
                "-c",
                "read -P 0x11 0 64k",
                "sd0.vmdk")
            .expectSuccess()
            .output();
    assertThat(read).doesNotContain("fail").doesNotContain("Invalid");
    assertThat(Cli.run("check", disk.toString()).code()).isZero();
  }
}
