package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code make} then {@code delete} on monolithicSparse bases laid out and described the way VMware
 * writes them ({@link HostedDiskFixture}), of every header version and with names in every encoding
 * VMware declares, checked by qemu-img and vmdkinfo: the chain reads as the base did, the child
 * carries what VMware expects from the parent's Disk Data Base and its encoding, the frozen base
 * changes in its extent line only, and {@code delete} gives back the very same file.
 */
class VmwareBaseInteropTest {
  private static final long CAPACITY = 1L << 30;
  private static final int DESCRIPTOR_START = 512;
  private static final int DESCRIPTOR_END = 21 * 512;

  @ParameterizedTest(name = "version {0}")
  @ValueSource(ints = {1, 2})
  void makeThenDeleteOnABaseOfThisVersion(int version, @TempDir Path tmp) throws IOException {
    makeThenDelete(version, tmp);
  }

  @Test
  void makeThenDeleteOnAVersion3Base(@TempDir Path tmp) throws IOException {
    // make still rewrites the extent line inside the frozen disk's embedded descriptor (so
    // libvmdk finds the renamed file); grains, tables and header stay as they are.
    makeThenDelete(3, tmp);
  }

  private static void makeThenDelete(int version, Path tmp) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    HostedDiskFixture base =
        HostedDiskFixture.monolithicSparse("sd0.vmdk")
            .version(version)
            .cid(0x0b0b0b0b)
            .capacityBytes(CAPACITY)
            .grain(0, 0x11)
            .grain(CAPACITY / 512 - 128, 0x22);
    if (version >= 2) {
      base.zeroedGrain(256);
    }
    Path disk = base.writeTo(dir).descriptor();
    Path raw = base.writeRawTo(tmp.resolve("before.raw"));
    byte[] original = Files.readAllBytes(disk);

    Cli.run("make", disk);

    Path frozen = dir.resolve("sd0-000000.vmdk");
    assertThat(fileNames(dir)).containsExactly("sd0-000000.vmdk", "sd0.vmdk");
    assertOnlyDescriptorAreaChanged(original, Files.readAllBytes(frozen));
    Qemu qemu = new Qemu(dir);
    qemu.assertCheckClean("sd0.vmdk");
    qemu.assertCheckClean("sd0-000000.vmdk");
    qemu.assertSameContent("sd0.vmdk", raw);
    List<Map<String, Object>> chain = qemu.infoChain("sd0.vmdk");
    assertThat(chain.get(0)).containsEntry("backing-filename", "sd0-000000.vmdk");
    assertThat(Qemu.parentCid(chain.get(0))).isEqualTo(0x0b0b0b0bL);
    assertThat(Vmdkinfo.of(dir, "sd0-000000.vmdk").one("Filename")).isEqualTo("sd0-000000.vmdk");
    assertThat(Vmdkinfo.of(dir, "sd0.vmdk").one("Parent content identifier"))
        .isEqualTo("0x0b0b0b0b");
    assertChildCarriesTheParentsDiskDataBase(QemuDisks.descriptor(disk));

    Cli.run("delete", disk);

    assertThat(fileNames(dir)).containsExactly("sd0.vmdk");
    assertThat(Files.readAllBytes(disk)).as("sd0.vmdk after delete").isEqualTo(original);
  }

  @ParameterizedTest(name = "{0} \"{1}\"")
  @CsvSource({
    "UTF-8, 日本語 ディスク.vmdk",
    "windows-1252, 'O''Brien''s Café.vmdk'",
    "Shift_JIS, ソフト表～ ディスク.vmdk",
    "GBK, 虚拟磁盘乗.vmdk",
  })
  void makeThenDeleteKeepsTheParentsEncoding(String encoding, String name, @TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    HostedDiskFixture base =
        HostedDiskFixture.monolithicSparse(name)
            .encoding(encoding)
            .capacityBytes(64L << 20)
            .grain(128, 0x5a);
    Path disk = base.writeTo(dir).descriptor();
    Path raw = base.writeRawTo(tmp.resolve("before.raw"));
    byte[] original = Files.readAllBytes(disk);
    String frozenName = name.replace(".vmdk", "-000000.vmdk");
    Charset vmware =
        "Shift_JIS".equals(encoding) ? Charset.forName("windows-31j") : Charset.forName(encoding);

    Cli.run("make", disk);

    // The child names files in UTF-8 and says so; the frozen parent keeps its own encoding.
    String child = QemuDisks.descriptor(disk);
    assertThat(child)
        .contains("encoding=\"UTF-8\"\n")
        .contains("parentFileNameHint=\"" + iso(frozenName, StandardCharsets.UTF_8) + "\"\n")
        .contains(" SPARSE \"" + iso(name, StandardCharsets.UTF_8) + "\"\n");
    assertThat(QemuDisks.descriptor(dir.resolve(frozenName)))
        .as("the frozen disk's extent line names it in its encoding")
        .contains("encoding=\"" + encoding + "\"")
        .contains(" SPARSE \"" + iso(frozenName, vmware) + "\"\n");
    // A UTF-8 hint is the parent's file name on this file system: qemu, which ignores the
    // encoding entry, follows it as it is.
    new Qemu(dir).assertCheckClean(name);
    new Qemu(dir).assertSameContent(name, raw);
    if (!encoding.equals("Shift_JIS")) { // libvmdk 20200926 refuses encoding="Shift_JIS"
      assertThat(utf8(Vmdkinfo.of(dir, frozenName).one("Filename"))).isEqualTo(frozenName);
    }

    Cli.run("delete", disk);

    assertThat(fileNames(dir)).containsExactly(name);
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);
  }

  /** What VMware expects of a child: the parent's hardware version, adapter and geometry. */
  private static void assertChildCarriesTheParentsDiskDataBase(String child) {
    assertThat(child)
        .contains("ddb.virtualHWVersion = \"16\"")
        .contains("ddb.adapterType = \"lsilogic\"")
        .contains("ddb.geometry.heads = \"255\"")
        .contains("ddb.geometry.sectors = \"63\"")
        .contains("ddb.geometry.cylinders = \"130\"");
  }

  private static void assertOnlyDescriptorAreaChanged(byte[] before, byte[] after) {
    assertThat(after).hasSameSizeAs(before);
    assertThat(Arrays.copyOfRange(after, 0, DESCRIPTOR_START))
        .as("header")
        .isEqualTo(Arrays.copyOfRange(before, 0, DESCRIPTOR_START));
    assertThat(Arrays.copyOfRange(after, DESCRIPTOR_END, after.length))
        .as("tables and grains")
        .isEqualTo(Arrays.copyOfRange(before, DESCRIPTOR_END, before.length));
  }

  /** The bytes of {@code name} in {@code charset}, as the ISO-8859-1 view of descriptor text. */
  private static String iso(String name, Charset charset) {
    return new String(name.getBytes(charset), StandardCharsets.ISO_8859_1);
  }

  /** A tool's UTF-8 output, read by ExternalTools as ISO-8859-1, decoded. */
  private static String utf8(String isoText) {
    return new String(isoText.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
