package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.SparseFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Descriptors spelled as other tools write them (VirtualBox accepts four first lines, qemu reads
 * any, raw-disk wrapper tools write {@code # Disk Descriptor File} and {@code CID=fffffffe}),
 * through make, info, check, commit and delete: the tool accepts them, keeps their bytes where it
 * rewrites a line in place, writes the canonical spelling in the deltas it makes, and qemu reads
 * the result.
 */
class OtherToolsDescriptorsInteropTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @ParameterizedTest(name = "\"{0}\" CID={1}")
  @CsvSource({
    "# Disk Descriptor File, ",
    "#Disk Descriptor File, ",
    "#Disk DescriptorFile, ",
    "# Disk Descriptor File, fffffffe",
    "# Disk DescriptorFile, ffffffff",
  })
  void monolithicSparseWithAnotherFirstLine(String firstLine, String cid) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x11);
    QemuDisks.write(disk, 40 * MIB, 65536, 0x12);
    // A byte edit of what qemu-img wrote: the first line, both section titles, maybe the CID.
    QemuDisks.editDescriptor(disk, "# Disk DescriptorFile\n", firstLine + "\n");
    QemuDisks.editDescriptor(disk, "# Extent description\n", "# Extent Description\n");
    QemuDisks.editDescriptor(disk, "# The Disk Data Base\n", "# Disk Data Base\n");
    if (cid != null) {
      String old = QemuDisks.descriptor(disk).replaceAll("(?s).*\nCID=([0-9a-f]+)\n.*", "$1");
      QemuDisks.editDescriptor(disk, "\nCID=" + old + "\n", "\nCID=" + cid + "\n");
    }
    String parentText = QemuDisks.descriptor(disk);
    Qemu qemu = new Qemu(folder);
    Path content = dir.resolve("content.raw");
    qemu.convertToRaw("sd0.vmdk", content);
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isZero();
    Path frozen = folder.resolve("sd0-000000.vmdk");
    // The frozen disk's descriptor changed in its extent line only.
    assertThat(QemuDisks.descriptor(frozen))
        .isEqualTo(parentText.replace("\"sd0.vmdk\"", "\"sd0-000000.vmdk\""));
    String child = QemuDisks.descriptor(disk);
    // qemu-img writes a CID without leading zeros, vmdk-delta with them: compare the values.
    long parentCid = Long.parseLong(parentText.replaceAll("(?s).*\nCID=([0-9a-f]+)\n.*", "$1"), 16);
    assertThat(Long.parseLong(child.replaceAll("(?s).*\nparentCID=([0-9a-f]+)\n.*", "$1"), 16))
        .isEqualTo(parentCid);
    assertThat(child)
        .startsWith("# Disk DescriptorFile\n")
        .contains("\n# Extent description\n")
        .contains("\n# The Disk Data Base\n");
    List<Map<String, Object>> chain = qemu.infoChain("sd0.vmdk");
    assertThat(chain).hasSize(2);
    assertThat(Qemu.parentCid(chain.get(0))).isEqualTo(Qemu.cid(chain.get(1)));
    qemu.assertSameContent("sd0.vmdk", content);
    qemu.assertCheckClean("sd0.vmdk");
    assertThat(Cli.run("info", disk.toString()).code()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();

    Cli delete = Cli.run("delete", disk.toString());

    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"# Disk Descriptor File", "#Disk Descriptor File", "#Disk DescriptorFile"})
  void commitKeepsTheParentsSpelling(String firstLine) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x21);
    QemuDisks.editDescriptor(disk, "# Disk DescriptorFile\n", firstLine + "\n");
    QemuDisks.editDescriptor(disk, "# The Disk Data Base\n", "# Disk Data Base\n");
    String parentText = QemuDisks.descriptor(disk);
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 8 * MIB, 65536, 0x22);
    Qemu qemu = new Qemu(folder);
    Path content = dir.resolve("content.raw");
    qemu.convertToRaw("sd0.vmdk", content);

    Cli commit = Cli.run("commit", "--quiet", disk.toString());

    assertThat(commit.code()).as(commit.err()).isZero();
    assertThat(folder.resolve("sd0-000000.vmdk")).doesNotExist();
    String committed = QemuDisks.descriptor(disk);
    // Only the CID changed: the parent has its own name back and its own spelling.
    assertThat(committed.replaceAll("\nCID=[0-9a-f]+\n", "\nCID=x\n"))
        .isEqualTo(parentText.replaceAll("\nCID=[0-9a-f]+\n", "\nCID=x\n"));
    assertThat(committed).isNotEqualTo(parentText);
    qemu.assertSameContent("sd0.vmdk", content);
    qemu.assertCheckClean("sd0.vmdk");
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"# Disk Descriptor File", "#Disk Descriptor File", "#Disk DescriptorFile"})
  void aSiblingDeltaSpelledSoStillGuardsItsParent(String firstLine) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x41);
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    // Another tool's delta of the frozen disk: the folder scan must see it as a child.
    Path other = QemuDisks.delta(folder, "other.vmdk", "sd0-000000.vmdk");
    QemuDisks.editDescriptor(other, "# Disk DescriptorFile\n", firstLine + "\n");
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli delete = Cli.run("delete", disk.toString());

    assertThat(delete.code()).as(delete.err()).isEqualTo(7);
    assertThat(delete.err()).contains("other.vmdk");
    before.assertUnchanged();
    new Qemu(folder).assertCheckClean("other.vmdk");
  }

  /** The text descriptor raw-disk wrapper tools write beside a raw image. */
  private static String rawDiskWrapper(String cid) {
    return "# Disk Descriptor File\n"
        + "version=1\n"
        + "CID="
        + cid
        + "\n"
        + "parentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\n"
        + "\n"
        + "# Extent Description\n"
        + "RW 131072 FLAT \"x-flat.vmdk\" 0\n"
        + "\n"
        + "# Disk Data Base\n"
        + "ddb.virtualHWVersion = \"4\"\n"
        + "ddb.geometry.cylinders = \"130\"\n"
        + "ddb.geometry.heads = \"16\"\n"
        + "ddb.geometry.sectors = \"63\"\n"
        + "ddb.adapterType = \"ide\"\n";
  }

  @ParameterizedTest(name = "CID={0}")
  @ValueSource(strings = {"fffffffe", "ffffffff", "1d2c3b4a"})
  void monolithicFlatAsRawDiskWrappersWriteIt(String cid) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("vm"));
    byte[] a = new byte[65536];
    Arrays.fill(a, (byte) 0x31);
    byte[] b = new byte[4096];
    Arrays.fill(b, (byte) 0x32);
    SparseFiles.write(folder.resolve("x-flat.vmdk"), 64L * MIB, Map.of(0L, a, 60L * MIB, b));
    Path disk = folder.resolve("x.vmdk");
    Files.writeString(disk, rawDiskWrapper(cid), StandardCharsets.US_ASCII);
    Qemu qemu = new Qemu(folder);
    Path content = dir.resolve("content.raw");
    qemu.convertToRaw("x.vmdk", content);
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isZero();
    Path frozen = folder.resolve("x-000000.vmdk");
    assertThat(Files.readString(frozen, StandardCharsets.US_ASCII))
        .isEqualTo(rawDiskWrapper(cid).replace("\"x-flat.vmdk\"", "\"x-000000-flat.vmdk\""));
    assertThat(folder.resolve("x-000000-flat.vmdk")).exists();
    assertThat(QemuDisks.descriptor(disk))
        .startsWith("# Disk DescriptorFile\n")
        .contains("\nparentCID=" + cid + "\n")
        .contains("\nparentFileNameHint=\"x-000000.vmdk\"\n");
    List<Map<String, Object>> chain = qemu.infoChain("x.vmdk");
    assertThat(chain).hasSize(2);
    assertThat(Qemu.parentCid(chain.get(0))).isEqualTo(Long.parseLong(cid, 16));
    assertThat(Qemu.cid(chain.get(1))).isEqualTo(Long.parseLong(cid, 16));
    qemu.assertSameContent("x.vmdk", content);
    assertThat(Cli.run("info", disk.toString()).code()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();

    Cli delete = Cli.run("delete", disk.toString());

    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();
  }
}
