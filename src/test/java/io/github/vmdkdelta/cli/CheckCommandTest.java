package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RawVmdk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code vmdk-delta check}: one row per kind of damage, each on a chain made by qemu-img (base.vmdk
 * with data in grains 0 to 3, the delta sd0.vmdk with data in grains 1 and 640, so in both of its
 * grain tables), asserting exit 3, the problem line, the JSON document, and that nothing changed.
 */
class CheckCommandTest {
  @TempDir Path root;

  interface Setup {
    void apply(Path folder) throws IOException;
  }

  /** The chain every row starts from, in {@code root/vm folder}. */
  private Path chain() throws IOException {
    Path folder = Files.createDirectory(root.resolve("vm folder"));
    QemuDisks.base(folder, "base.vmdk", "64M");
    // Grains 0-2 hold 0x11, grain 3 zeros (written, so allocated: a table may be put there).
    QemuDisks.write(folder.resolve("base.vmdk"), 0, 3 * 65536, 0x11);
    QemuDisks.write(folder.resolve("base.vmdk"), 3 * 65536, 65536, 0);
    QemuDisks.delta(folder, "sd0.vmdk", "base.vmdk");
    QemuDisks.write(folder.resolve("sd0.vmdk"), 65536, 4096, 0x22);
    QemuDisks.write(folder.resolve("sd0.vmdk"), 640L * 65536, 65536, 0x33);
    return folder;
  }

  static Stream<Arguments> damage() {
    return Stream.of(
        row(
            "redundant grain table disagreeing with the grain table",
            f -> raw(f, "base.vmdk").setRedundantGte(0, raw(f, "base.vmdk").gte(1)),
            "base.vmdk",
            1,
            "base.vmdk: redundant grain table: grain table 0 and its redundant copy differ in 1"
                + " entry (entry 0: sector 256 in the copy, 128 in the grain table)"),
        row(
            "redundant grain directory disagreeing with the grain directory",
            f -> raw(f, "base.vmdk").setRgdEntry(1, 0),
            "base.vmdk",
            1,
            "base.vmdk: redundant grain directory: entry 1 disagrees with the grain directory"
                + " (grain table at sector 0, grain directory has 35; 0 means none)"),
        row(
            "grain past the end of the file",
            f -> raw(f, "sd0.vmdk").setBothGtes(1, raw(f, "sd0.vmdk").fileSectors() + 1000),
            "sd0.vmdk",
            1,
            "sd0.vmdk: grain table: grain 1 lies past the end of the file (sector 1384, 128"
                + " sectors; file has 384 sectors)"),
        row(
            "grain inside the metadata",
            f -> raw(f, "sd0.vmdk").setBothGtes(1, 5),
            "sd0.vmdk",
            1,
            "sd0.vmdk: grain table: grain 1 points into the metadata (sector 5, grains start at"
                + " sector 128)"),
        row(
            "entry 1 without the zeroed-grain flag",
            f -> raw(f, "sd0.vmdk").setBothGtes(1, 1),
            "sd0.vmdk",
            1,
            "sd0.vmdk: grain table: grain 1 points into the metadata (sector 1, grains start at"
                + " sector 128)"),
        row(
            "two entries pointing at one grain",
            f -> raw(f, "sd0.vmdk").setBothGtes(2, raw(f, "sd0.vmdk").gte(1)),
            "sd0.vmdk",
            1,
            "sd0.vmdk: grain table: grains 1 and 2 point at the same grain (sector 128)"),
        row(
            "a grain off the grain boundary overlapping another",
            f -> raw(f, "sd0.vmdk").setBothGtes(2, raw(f, "sd0.vmdk").gte(1) + 8),
            "sd0.vmdk",
            2, // [136, 264) overlaps grain 1 at [128, 256) and grain 640 at [256, 384)
            "sd0.vmdk: grain table: grains 1 and 2 overlap in the file (sectors 128 and 136, 128"
                + " sectors each)"),
        row(
            "a grain overlapping a grain table",
            f -> {
              RawVmdk base = raw(f, "base.vmdk");
              // Grain 3 holds zeros: as a table it reads as "nothing allocated", so the only
              // damage is the overlap itself.
              long grain3 = base.gte(3);
              base.setGdEntry(1, grain3);
              base.setRgdEntry(1, grain3 + 4);
            },
            "base.vmdk",
            2,
            "base.vmdk: grain table: grain 3 overlaps grain table 1 (grain at sector 512, table"
                + " at sector 512)"),
        row(
            "two grain tables on the same sectors",
            f -> raw(f, "sd0.vmdk").setGdEntry(1, raw(f, "sd0.vmdk").gdEntry(0)),
            "sd0.vmdk",
            -1,
            "sd0.vmdk: layout: grain table 0 and grain table 1 overlap (sectors 31 to 34 and 31"
                + " to 34)"),
        row(
            "extent line size disagreeing with the header",
            f -> QemuDisks.editDescriptor(f.resolve("sd0.vmdk"), "RW 131072 ", "RW 131000 "),
            "sd0.vmdk",
            1,
            "sd0.vmdk: descriptor: extent size disagrees with the header (131000 sectors, header"
                + " says 131072)"),
        row(
            "extent line naming no file",
            f ->
                QemuDisks.editDescriptor(
                    f.resolve("base.vmdk"), "SPARSE \"base.vmdk\"", "SPARSE \"\""),
            "base.vmdk",
            1,
            "base.vmdk: descriptor: the extent line names no file"),
        row(
            "damaged header",
            f -> QemuDisks.setHeaderByte(f.resolve("base.vmdk"), 0, 'X'),
            "base.vmdk",
            1,
            "base.vmdk: header: not a VMDK sparse extent: wrong magic number"),
        row(
            "CID mismatch",
            f -> {
              String cid = cidOf(f.resolve("base.vmdk"));
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"), "parentCID=" + cid, "parentCID=0badc1d0");
            },
            "sd0.vmdk",
            1,
            "sd0.vmdk: parentCID: does not match the parent's CID (parentCID 0badc1d0, base.vmdk"
                + " has CID "),
        row(
            "capacity mismatch",
            f -> {
              Files.delete(f.resolve("sd0.vmdk"));
              ExternalTools.run(
                      f,
                      ExternalTools.require(ExternalTools.QEMU_IMG),
                      "create",
                      "-f",
                      "vmdk",
                      "-b",
                      "base.vmdk",
                      "-F",
                      "vmdk",
                      "sd0.vmdk",
                      "32M")
                  .expectSuccess();
            },
            "sd0.vmdk",
            1,
            "sd0.vmdk: parent: capacity differs from the parent's (65536 sectors, "),
        row(
            "missing parent",
            f -> Files.move(f.resolve("base.vmdk"), f.getParent().resolve("elsewhere.vmdk")),
            "sd0.vmdk",
            1,
            "sd0.vmdk: parent: parent disk not found ("),
        row(
            "parent hint leaving the folder",
            f -> {
              Files.copy(f.resolve("base.vmdk"), f.getParent().resolve("base.vmdk"));
              QemuDisks.editDescriptor(
                  f.resolve("sd0.vmdk"), "\"base.vmdk\"\n", "\"../base.vmdk\"\n");
            },
            "sd0.vmdk",
            1,
            "sd0.vmdk: parentFileNameHint: parent hint leaves the disk's folder"),
        row(
            "parent hint looping back",
            f ->
                QemuDisks.editDescriptor(
                    f.resolve("sd0.vmdk"), "Hint=\"base.vmdk\"", "Hint=\"sd0.vmdk\""),
            "sd0.vmdk",
            1,
            "sd0.vmdk: parent: the chain of parents loops back to "),
        row(
            "leftover journal",
            f ->
                Files.writeString(
                    f.resolve(".vmdk-delta-journal"),
                    "vmdk-delta journal 1\noperation make sd0.vmdk\n"),
            ".vmdk-delta-journal",
            1,
            ".vmdk-delta-journal: journal: an interrupted vmdk-delta operation left its journal"
                + " here; run 'vmdk-delta recover "),
        row(
            "leftover new delta",
            f -> Files.writeString(f.resolve(".sd0.vmdk.vmdk-delta-new"), "x"),
            ".sd0.vmdk.vmdk-delta-new",
            1,
            ".sd0.vmdk.vmdk-delta-new: temporary file: left by an interrupted vmdk-delta"
                + " operation"),
        row(
            "leftover discarded delta of the parent",
            f -> Files.writeString(f.resolve(".base.vmdk.vmdk-delta-old"), "x"),
            ".base.vmdk.vmdk-delta-old",
            1,
            ".base.vmdk.vmdk-delta-old: temporary file: left by an interrupted vmdk-delta"));
  }

  private static Arguments row(
      String name, Setup setup, String file, int errors, String expectedLine) {
    return Arguments.of(name, setup, file, errors, expectedLine);
  }

  private static RawVmdk raw(Path folder, String name) {
    return RawVmdk.of(folder.resolve(name));
  }

  static String cidOf(Path disk) throws IOException {
    String d = QemuDisks.descriptor(disk);
    // qemu writes the CID without leading zeros: read to the end of the line.
    int at = d.indexOf("\nCID=") + 5;
    return d.substring(at, d.indexOf('\n', at));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damage")
  void reportsTheDamageAndChangesNothing(
      String name, Setup setup, String file, int errors, String expectedLine) throws IOException {
    Path folder = chain();
    Path disk = folder.resolve("sd0.vmdk");
    assertThat(Cli.run("check", disk.toString()).code()).as("clean before the damage").isZero();
    setup.apply(folder);
    FolderSnapshot before = FolderSnapshot.of(root);

    Cli r = Cli.run("check", disk.toString());

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    List<String> errorLines =
        lines.stream()
            .filter(l -> !l.startsWith("warning: ") && !l.startsWith("Checked "))
            .filter(l -> !l.matches("\\d+ problems? found.*"))
            .toList();
    assertThat(errorLines).anySatisfy(l -> assertThat(l).startsWith(folder + "/" + expectedLine));
    if (errors >= 0) {
      assertThat(errorLines).as(r.out()).hasSize(errors);
      assertThat(lines.get(lines.size() - 1))
          .startsWith(errors + (errors == 1 ? " problem found" : " problems found"));
    }
    before.assertUnchanged();

    Cli j = Cli.run("check", "--json", disk.toString());
    assertThat(j.code()).isEqualTo(3);
    Map<String, Object> doc = json(j.out());
    assertThat(doc).containsEntry("clean", false).containsEntry("disk", disk.toString());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> problems = (List<Map<String, Object>>) doc.get("problems");
    long jsonErrors = problems.stream().filter(p -> p.get("severity").equals("error")).count();
    assertThat(doc.get("errors")).isEqualTo(jsonErrors);
    if (errors >= 0) {
      assertThat(jsonErrors).isEqualTo(errors);
    }
    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.get("severity")).isEqualTo("error");
              assertThat(p.get("file")).isEqualTo(folder.resolve(file).toString());
              assertThat((String) p.get("text")).startsWith(folder + "/" + expectedLine);
              assertThat(p.get("text"))
                  .isEqualTo(p.get("file") + ": " + p.get("what") + ": " + p.get("message"));
            });
    before.assertUnchanged();
  }

  @Test
  void aCleanChainPassesWithOneSummaryLine() throws IOException {
    Path folder = chain();
    FolderSnapshot before = FolderSnapshot.of(root);
    Cli r = Cli.run("check", folder.resolve("sd0.vmdk").toString());
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines())
        .containsExactly("Checked 2 disks, sd0.vmdk down to base.vmdk.", "No problems found.");
    Cli j = Cli.run("check", "--json", folder.resolve("sd0.vmdk").toString());
    assertThat(j.code()).isZero();
    Map<String, Object> doc = json(j.out());
    assertThat(doc)
        .containsEntry("schema_version", 1L)
        .containsEntry("clean", true)
        .containsEntry("errors", 0L)
        .containsEntry("warnings", 0L)
        .containsEntry("problems", List.of())
        .containsEntry(
            "layers",
            List.of(folder.resolve("sd0.vmdk").toString(), folder.resolve("base.vmdk").toString()));
    before.assertUnchanged();
  }

  @Test
  void aGrainOffTheGrainBoundaryAloneIsOnlyAWarning() throws IOException {
    Path folder = chain();
    RawVmdk sd0 = raw(folder, "sd0.vmdk");
    long end = sd0.fileSectors();
    // A grain one sector past the end, in space no other grain uses: readable, but unusual.
    sd0.setFileSectors(end + 1 + 128);
    sd0.setBothGtes(5, end + 1);
    FolderSnapshot before = FolderSnapshot.of(root);

    Cli r = Cli.run("check", folder.resolve("sd0.vmdk").toString());

    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "warning: "
                + folder.resolve("sd0.vmdk")
                + ": grain table: grain 5 is not on a grain boundary (sector "
                + (end + 1)
                + ", expected a multiple of 128); readers cope, but qemu and VMware never write"
                + " this",
            "Checked 2 disks, sd0.vmdk down to base.vmdk.",
            "No problems found (1 warning).");
    // qemu agrees the image is sound.
    String qemuCheck =
        ExternalTools.run(
                folder, ExternalTools.require(ExternalTools.QEMU_IMG), "check", "sd0.vmdk")
            .output();
    assertThat(qemuCheck).contains("No errors were found on the image.");
    before.assertUnchanged();
  }

  @Test
  void warnsOfALockAnUncleanShutdownAndAStaleExtentName() throws IOException {
    Path folder = chain();
    Files.createDirectory(folder.resolve("sd0.vmdk.lck"));
    Files.writeString(folder.resolve("sd0.vmdk.lck/M00042.lck"), "hostA 4242-7 3 X\0");
    QemuDisks.setHeaderByte(folder.resolve("base.vmdk"), 72, 1);
    QemuDisks.editDescriptor(
        folder.resolve("base.vmdk"), "SPARSE \"base.vmdk\"", "SPARSE \"old.vmdk\"");
    FolderSnapshot before = FolderSnapshot.of(root);

    Cli r = Cli.run("check", folder.resolve("sd0.vmdk").toString());

    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "warning: "
                + folder.resolve("sd0.vmdk")
                + ": lock: in use by VMware (sd0.vmdk.lck, held by machine hostA, process"
                + " 4242-7); a running VM may change the disk while it is checked",
            "warning: "
                + folder.resolve("base.vmdk")
                + ": header: the uncleanShutdown flag is set: the disk was not closed cleanly (a"
                + " crash while a VM or another program had it open?)",
            "warning: "
                + folder.resolve("base.vmdk")
                + ": descriptor: the extent line names another file (\"old.vmdk\", expected"
                + " \"base.vmdk\"): libvmdk-based tools (vmdkinfo, pyvmdk) read that file's data"
                + " instead of this one's",
            "Checked 2 disks, sd0.vmdk down to base.vmdk.",
            "No problems found (3 warnings).");
    before.assertUnchanged();
  }

  @Test
  void manyProblemsOfOneKindAreSummarised() throws IOException {
    Path folder = chain();
    RawVmdk sd0 = raw(folder, "sd0.vmdk");
    long end = sd0.fileSectors();
    for (int g = 100; g < 130; g++) {
      sd0.setBothGtes(g, end + 10_000 + g * 128L);
    }

    Cli r = Cli.run("check", folder.resolve("sd0.vmdk").toString());

    assertThat(r.code()).isEqualTo(3);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).filteredOn(l -> l.contains("lies past the end of the file")).hasSize(10);
    assertThat(lines)
        .contains(folder.resolve("sd0.vmdk") + ": grain table: and 20 more like the one above");
  }

  @Test
  void checksTheParentOutsideTheFolderWhenAllowed() throws IOException {
    Path folder = chain();
    Files.move(folder.resolve("base.vmdk"), root.resolve("base.vmdk"));
    QemuDisks.editDescriptor(folder.resolve("sd0.vmdk"), "\"base.vmdk\"\n", "\"../base.vmdk\"\n");
    RawVmdk.of(root.resolve("base.vmdk")).setBothGtes(1, 5);

    Cli refused = Cli.run("check", folder.resolve("sd0.vmdk").toString());
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.out()).contains("parent hint leaves the disk's folder");

    Cli followed =
        Cli.run("--allow-parent-outside-folder", "check", folder.resolve("sd0.vmdk").toString());
    assertThat(followed.code()).isEqualTo(3);
    assertThat(followed.out())
        .doesNotContain("parent hint leaves")
        .contains("base.vmdk: grain table: grain 1 points into the metadata (sector 5");
  }

  @Test
  void aMissingDiskIsAnIoErrorAndAnUnsupportedOneIsRefused() throws IOException {
    Cli missing = Cli.run("check", root.resolve("nothere.vmdk").toString());
    assertThat(missing.code()).isEqualTo(6);
    assertThat(missing.errLines())
        .containsExactly("vmdk-delta: " + root.resolve("nothere.vmdk") + ": no such file");

    Path text =
        Files.writeString(
            root.resolve("esx.vmdk"),
            "# Disk DescriptorFile\nversion=1\nCID=3655ca37\nparentCID=ffffffff\n"
                + "createType=\"vmfs\"\n"
                + "RW 4194304 VMFS \"esx-flat.vmdk\"\n");
    Cli split = Cli.run("check", text.toString());
    assertThat(split.code()).isEqualTo(4);
    assertThat(split.errLines()).hasSize(1);
    assertThat(split.err()).contains("esx.vmdk: descriptor: unsupported disk type (vmfs;");
    assertThat(split.out()).isEmpty();
  }

  /** check and info name a folder given as the disk as make does, not as a bare I/O error. */
  @Test
  void aFolderGivenAsTheDiskIsNotARegularFile() throws IOException {
    Path folder = Files.createDirectory(root.resolve("sd0.vmdk"));
    for (String verb : new String[] {"check", "info", "make"}) {
      Cli r = Cli.run(verb, folder.toString());
      assertThat(r.code()).as(verb).isEqualTo(6);
      assertThat(r.errLines())
          .as(verb)
          .containsExactly("vmdk-delta: " + folder + ": not a regular file");
    }
  }

  @Test
  void testdataImagesAreClean() throws IOException {
    Path testdata = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("testdata");
    List<String> names = List.of("base.vmdk", "delta.vmdk", "delta-zeroed.vmdk", "odd.vmdk");
    for (String n : names) {
      Files.copy(testdata.resolve(n), root.resolve(n));
    }
    for (String n : names) {
      Cli r = Cli.run("check", root.resolve(n).toString());
      assertThat(r.code()).as(n + ": " + r.out()).isZero();
      assertThat(r.out()).as(n).endsWith("No problems found.\n").doesNotContain("warning");
    }
  }

  @Test
  void helpListsInfoAndCheck() {
    Cli r = Cli.run("--help");
    assertThat(r.out()).contains("info", "check");
    Cli c = Cli.run("check", "--help");
    assertThat(c.code()).isZero();
    assertThat(c.out()).contains("--json", "Exit code 0 when no problem is found, 3 when");
  }

  static Map<String, Object> json(String text) {
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) JsonDocuments.parse(text);
    return doc;
  }
}
