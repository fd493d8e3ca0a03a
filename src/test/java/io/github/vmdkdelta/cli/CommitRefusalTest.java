package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import io.github.vmdkdelta.testing.RefusalCheck.Setup;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of {@code commit}, through the command line, as in {@link SafetyRefusalTest}: the
 * exit code of the design notes, one line on stderr naming the problem, and every file byte for
 * byte as it was.
 */
class CommitRefusalTest {
  @TempDir Path root;

  static Stream<Arguments> refusals() {
    return Stream.of(
        row("commit of a base disk", f -> {}, "commit", 4, "not a delta disk"),
        row(
            "a leftover undo log",
            f -> {
              snapshot(f);
              Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-undo"), "x");
            },
            "commit",
            7,
            ".sd0.vmdk.vmdk-delta-undo: name: already exists, it is left from an interrupted"),
        row(
            "a leftover discarded delta",
            f -> {
              snapshot(f);
              Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-old"), "x");
            },
            "commit",
            7,
            "interrupted"),
        row(
            "the delta locked by VMware",
            f -> {
              snapshot(f);
              Files.createDirectory(f.resolve("sd0.vmdk.lck"));
            },
            "commit",
            7,
            "sd0.vmdk: lock: in use by VMware"),
        row(
            "the parent locked by VMware",
            f -> {
              snapshot(f);
              Files.createDirectory(f.resolve("sd0-000000.vmdk.lck"));
            },
            "commit",
            7,
            "sd0-000000.vmdk: lock: in use by VMware"),
        row(
            "the VM that uses the disk runs",
            f -> {
              snapshot(f);
              Files.writeString(f.resolve("My VM.vmx"), "scsi0:0.fileName = \"sd0.vmdk\"\n");
              Files.createDirectory(f.resolve("My VM.vmx.lck"));
            },
            "commit",
            7,
            "My VM.vmx: lock: in use by VMware"),
        row(
            "the parent has another delta",
            f -> {
              snapshot(f);
              QemuDisks.delta(f, "other.vmdk", "sd0-000000.vmdk");
            },
            "commit",
            7,
            "sd0-000000.vmdk: children: other.vmdk is another delta of this disk (its parent is this file); commit would break it"),
        row(
            "the delta has a delta of its own",
            f -> {
              snapshot(f);
              snapshot(f);
            },
            "commit sd0-000001.vmdk",
            7,
            "sd0-000001.vmdk: children: sd0.vmdk is another delta of this disk (its parent is this file); commit would break it"),
        row(
            "a Workstation snapshot list names the parent",
            f -> {
              snapshot(f);
              Files.writeString(
                  f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0-000000.vmdk\"\n");
            },
            "commit",
            7,
            "snapshot list vm.vmsd"),
        row(
            "the delta's parentCID does not match",
            f -> {
              snapshot(f);
              breakParentCid(f.resolve("sd0.vmdk"));
            },
            "commit",
            5,
            "sd0.vmdk: parentCID: does not match the parent's CID (parentCID 0badc1d0"),
        row(
            "a link further down does not match",
            f -> {
              snapshot(f);
              snapshot(f);
              breakParentCid(f.resolve("sd0-000001.vmdk"));
            },
            "commit",
            5,
            "sd0-000001.vmdk: parentCID: does not match"),
        row(
            "the parent is missing",
            f -> {
              snapshot(f);
              Files.move(f.resolve("sd0-000000.vmdk"), f.getParent().resolve("moved.vmdk"));
            },
            "commit",
            5,
            "parent disk not found"),
        row(
            "the delta was not closed cleanly",
            f -> {
              snapshot(f);
              QemuDisks.setHeaderByte(f.resolve("sd0.vmdk"), 72, 1);
            },
            "commit",
            7,
            "sd0.vmdk: header: disk was not closed cleanly"),
        row(
            "a streamOptimized parent",
            f -> {
              Path base = f.resolve("sd0.vmdk");
              ExternalTools.run(
                      f,
                      ExternalTools.require(ExternalTools.QEMU_IMG),
                      "convert",
                      "-O",
                      "vmdk",
                      "-o",
                      "subformat=streamOptimized",
                      base,
                      "stream.vmdk")
                  .expectSuccess();
              Files.delete(base);
              QemuDisks.delta(f, "sd0.vmdk", "stream.vmdk");
            },
            "commit",
            4,
            "stream.vmdk: descriptor: unsupported disk type (streamOptimized"),
        row(
            "grain sizes differ",
            f -> {
              snapshot(f);
              // grainSize 128 -> 256 sectors (offset 20, little-endian): a valid but different
              // geometry.
              QemuDisks.setHeaderByte(f.resolve("sd0.vmdk"), 20, 0);
              QemuDisks.setHeaderByte(f.resolve("sd0.vmdk"), 21, 1);
            },
            "commit",
            4,
            "grain size differs from the parent's (256 sectors, parent 128)"),
        row(
            "a grain of the delta lies past its end",
            f -> {
              snapshot(f);
              setEntry(f.resolve("sd0.vmdk"), 16, 0x00ffffff);
            },
            "commit",
            3,
            "sd0.vmdk: grain table: grain 16 lies past the end of the file"),
        row(
            "two grains of the parent share a place",
            f -> {
              snapshot(f);
              setEntry(f.resolve("sd0-000000.vmdk"), 2, entry(f.resolve("sd0-000000.vmdk"), 1));
            },
            "commit",
            3,
            "sd0-000000.vmdk: grain table: grains 1 and 2 point at the same grain (sector "),
        row(
            "a grain of the parent lies in its metadata",
            f -> {
              snapshot(f);
              setEntry(f.resolve("sd0-000000.vmdk"), 1, 3);
            },
            "commit",
            3,
            "sd0-000000.vmdk: grain table: grain 1 points into the metadata"));
  }

  /** Refusals that only a split or flat parent (or a split delta) can meet. */
  static Stream<Arguments> splitAndFlatRefusals() {
    return Stream.of(
        row(
            "delta data over a ZERO extent of the parent",
            f -> {
              handCut(f, "twoGbMaxExtentFlat", "RW 2048 FLAT \"sd0-f001.vmdk\" 0", "RW 2048 ZERO");
              Cli made = Cli.run("make", f.resolve("sd0.vmdk").toString());
              assertThat(made.code()).as(made.err()).isZero();
              QemuDisks.write(f.resolve("sd0.vmdk"), 1 << 20, 4096, 0x6d);
            },
            "commit",
            4,
            "sd0-000000.vmdk: extent: extent line 2 is a ZERO extent, which cannot store data"),
        row(
            "delta grains over a read-only extent of the parent",
            f -> {
              handCut(
                  f,
                  "twoGbMaxExtentFlat",
                  "RW 2048 FLAT \"sd0-f001.vmdk\" 0",
                  "RDONLY 2048 FLAT \"sd0-f002.vmdk\" 0");
              Cli made = Cli.run("make", f.resolve("sd0.vmdk").toString());
              assertThat(made.code()).as(made.err()).isZero();
              QemuDisks.write(f.resolve("sd0.vmdk"), 1 << 20, 4096, 0x6d);
            },
            "commit",
            4,
            "sd0-000000.vmdk: extent: extent line 2 is RDONLY, and the delta holds grains over it"),
        row(
            "sparse extents not on grain boundaries",
            f -> {
              QemuDisks.base(f, "sd0-p1.vmdk", "8100K");
              QemuDisks.base(f, "sd0-p2.vmdk", "4M");
              handCut(
                  f,
                  "twoGbMaxExtentSparse",
                  "RW 16200 SPARSE \"sd0-p1.vmdk\"",
                  "RW 8192 SPARSE \"sd0-p2.vmdk\"");
              Cli made = Cli.run("make", f.resolve("sd0.vmdk").toString());
              assertThat(made.code()).as(made.err()).isZero();
              QemuDisks.write(f.resolve("sd0.vmdk"), 0, 4096, 0x6d);
            },
            "commit",
            4,
            "sd0-000000-p1.vmdk: extent: extent does not start and end on a grain boundary"),
        row(
            "a split delta",
            f -> {
              snapshot(f);
              Files.delete(f.resolve("sd0.vmdk"));
              ExternalTools.run(
                      f,
                      ExternalTools.require(ExternalTools.QEMU_IMG),
                      "create",
                      "-f",
                      "vmdk",
                      "-o",
                      "subformat=twoGbMaxExtentSparse",
                      "-b",
                      "sd0-000000.vmdk",
                      "-F",
                      "vmdk",
                      "sd0.vmdk")
                  .expectSuccess();
              QemuDisks.write(f.resolve("sd0.vmdk"), 0, 4096, 0x6d);
            },
            "commit",
            4,
            "sd0.vmdk: descriptor: the delta is a twoGbMaxExtentSparse disk; commit only merges"),
        row(
            "an extent name the parent takes back exists",
            f -> {
              splitSnapshot(f, "twoGbMaxExtentSparse");
              Files.writeString(f.resolve("sd0-s001.vmdk"), "someone else's file");
            },
            "commit",
            7,
            "sd0-s001.vmdk: name: already exists, commit needs it"),
        row(
            "a leftover undo log of an extent file",
            f -> {
              splitSnapshot(f, "monolithicFlat");
              Files.writeString(f.resolve(".sd0-000000-flat.vmdk.vmdk-delta-undo"), "x");
            },
            "commit",
            7,
            ".sd0-000000-flat.vmdk.vmdk-delta-undo: name: already exists"),
        row(
            "an extent file locked by VMware",
            f -> {
              splitSnapshot(f, "twoGbMaxExtentFlat");
              Files.createDirectory(f.resolve("sd0-000000-f001.vmdk.lck"));
            },
            "commit",
            7,
            "sd0-000000-f001.vmdk: lock: in use by VMware"),
        row(
            "another delta of the split parent",
            f -> {
              splitSnapshot(f, "twoGbMaxExtentSparse");
              QemuDisks.delta(f, "other.vmdk", "sd0-000000.vmdk");
            },
            "commit",
            7,
            "sd0-000000.vmdk: children: other.vmdk is another delta of this disk"),
        row(
            "a Workstation snapshot list names the flat parent",
            f -> {
              splitSnapshot(f, "monolithicFlat");
              Files.writeString(
                  f.resolve("vm.vmsd"), "snapshot0.disk0.fileName = \"sd0-000000.vmdk\"\n");
            },
            "commit",
            7,
            "snapshot list vm.vmsd"),
        row(
            "an extent file of the parent missing",
            f -> {
              splitSnapshot(f, "twoGbMaxExtentSparse");
              Files.move(f.resolve("sd0-000000-s001.vmdk"), f.getParent().resolve("moved.vmdk"));
            },
            "commit",
            5,
            "extent file not found (sd0-000000-s001.vmdk)"),
        row(
            "a flat extent file cut short",
            f -> {
              splitSnapshot(f, "monolithicFlat");
              try (var file =
                  new RandomAccessFile(f.resolve("sd0-000000-flat.vmdk").toFile(), "rw")) {
                file.setLength(file.length() - 512);
              }
            },
            "commit",
            3,
            "sd0-000000-flat.vmdk: extent: flat extent file shorter than its extent line says"));
  }

  /** The base replaced by a split or flat one, then {@link #snapshot}. */
  static void splitSnapshot(Path folder, String subformat) throws IOException {
    Files.delete(folder.resolve("sd0.vmdk"));
    QemuDisks.base(folder, "sd0.vmdk", "8M", subformat);
    QemuDisks.write(folder.resolve("sd0.vmdk"), 65536, 4096, 0x5a);
    snapshot(folder);
  }

  /** The base replaced by a descriptor file with these extent lines (files made by the caller). */
  static void handCut(Path folder, String createType, String... extentLines) throws IOException {
    Files.delete(folder.resolve("sd0.vmdk"));
    for (String line : extentLines) {
      var m = java.util.regex.Pattern.compile("(\\d+) FLAT \"([^\"]+)\"").matcher(line);
      if (m.find()) {
        Files.write(folder.resolve(m.group(2)), new byte[Integer.parseInt(m.group(1)) * 512]);
      }
    }
    Files.writeString(
        folder.resolve("sd0.vmdk"),
        "# Disk DescriptorFile\nversion=1\nCID=1234abcd\nparentCID=ffffffff\ncreateType=\""
            + createType
            + "\"\n\n# Extent description\n"
            + String.join("\n", extentLines)
            + "\n\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n");
  }

  private static Arguments row(String name, Setup setup, String verb, int code, String fragment) {
    return Arguments.of(name, setup, verb, code, fragment);
  }

  /** make, then write into the new delta over a grain the parent has and one it lacks. */
  static void snapshot(Path folder) throws IOException {
    Cli r = Cli.run("make", folder.resolve("sd0.vmdk").toString());
    assertThat(r.code()).as(r.err()).isZero();
    QemuDisks.write(folder.resolve("sd0.vmdk"), 65536 + 512, 1024, 0x6b);
    QemuDisks.write(folder.resolve("sd0.vmdk"), 1 << 20, 4096, 0x6c);
  }

  /**
   * Sets the delta's parentCID to 0badc1d0. (qemu writes a CID it changed without leading zeros, so
   * the parent's CID text cannot be searched for as 8 digits.)
   */
  static void breakParentCid(Path delta) throws IOException {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("parentCID=[0-9a-fA-F]+")
            .matcher(QemuDisks.descriptor(delta));
    assertThat(m.find()).as("parentCID line of " + delta).isTrue();
    assertThat(m.group()).isNotEqualTo("parentCID=0badc1d0");
    QemuDisks.editDescriptor(delta, m.group(), "parentCID=0badc1d0");
  }

  /** Grain table entry {@code grain} of the first table. */
  static long entry(Path disk, int grain) throws IOException {
    SparseExtent e = SparseExtent.open(disk);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
      f.seek(e.grainDirectory().tableSector(0) * 512 + 4L * grain);
      byte[] b = new byte[4];
      f.readFully(b);
      return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
  }

  /** Sets grain table entry {@code grain} of the first table, in both tables. */
  static void setEntry(Path disk, int grain, long value) throws IOException {
    SparseExtent e = SparseExtent.open(disk);
    byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array();
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(e.grainDirectory().tableSector(0) * 512 + 4L * grain);
      f.write(b);
      f.seek(e.redundantGrainDirectory().orElseThrow().tableSector(0) * 512 + 4L * grain);
      f.write(b);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAndChangesNothing(String name, Setup setup, String verb, int code, String fragment)
      throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(root, setup, verb, code, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splitAndFlatRefusals")
  void refusesForASplitOrFlatParentAndChangesNothing(
      String name, Setup setup, String verb, int code, String fragment) throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(root, setup, verb, code, fragment);
  }

  @Test
  void aParentInAnotherFolderIsNeverChanged() throws IOException {
    Path shared = Files.createDirectory(root.resolve("shared"));
    Path folder = Files.createDirectory(root.resolve("vm"));
    QemuDisks.base(shared, "base.vmdk", "64M");
    QemuDisks.delta(folder, "sd0.vmdk", "../shared/base.vmdk");
    QemuDisks.write(folder.resolve("sd0.vmdk"), 0, 4096, 0x11);
    FolderSnapshot before = FolderSnapshot.of(root);

    Cli refused = Cli.run("commit", folder.resolve("sd0.vmdk").toString());
    assertThat(refused.code()).as(refused.err()).isEqualTo(5);
    assertThat(refused.err()).contains("parent hint leaves the disk's folder");

    Cli allowed =
        Cli.run("--allow-parent-outside-folder", "commit", folder.resolve("sd0.vmdk").toString());
    assertThat(allowed.code()).as(allowed.err()).isEqualTo(4);
    assertThat(allowed.errLines()).hasSize(1);
    assertThat(allowed.err()).contains("the parent is in another folder");
    before.assertUnchanged();
  }

  @Test
  void forceOverridesAStaleLockAndSaysWhoHeldIt() throws IOException {
    Path folder = Files.createDirectory(root.resolve("vm"));
    QemuDisks.base(folder, "sd0.vmdk", "64M");
    snapshot(folder);
    Files.createDirectory(folder.resolve("sd0.vmdk.lck"));
    Files.writeString(folder.resolve("sd0.vmdk.lck/M00001.lck"), "hostA 999-1 3 X\0");

    Cli r = Cli.run("--force", "commit", folder.resolve("sd0.vmdk").toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("ignoring the VMware lock")
        .contains("machine hostA, process 999-1");
    assertThat(folder.resolve("sd0-000000.vmdk")).doesNotExist();
    assertThat(folder.resolve("sd0.vmdk.lck")).as("VMware's lock is never removed").isDirectory();
  }
}
