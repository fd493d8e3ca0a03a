package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape of what {@link HostedDiskFixture} writes, without external tools. */
class HostedDiskFixtureTest {
  @TempDir Path dir;

  @Test
  void splitExtentHeaderHasVmwaresLayout() throws Exception {
    // Values read from the header of a 10 MiB twoGbMaxExtentSparse extent made by VMware's
    // vmware-vdiskmanager (testdata/README.md names it): no embedded descriptor, the redundant
    // directory right after the header, one grain of metadata.
    HostedDiskFixture.Written w =
        HostedDiskFixture.twoGbMaxExtentSparse("d.vmdk").capacitySectors(20480).writeTo(dir);
    ByteBuffer h = header(w.extents().get(0));
    assertThat(h.getInt(4)).as("version").isEqualTo(1);
    assertThat(h.getInt(8)).as("flags").isEqualTo(3);
    assertThat(h.getLong(12)).as("capacity").isEqualTo(20480);
    assertThat(h.getLong(20)).as("grainSize").isEqualTo(128);
    assertThat(h.getLong(28)).as("descriptorOffset").isZero();
    assertThat(h.getLong(36)).as("descriptorSize").isZero();
    assertThat(h.getInt(44)).as("numGTEsPerGT").isEqualTo(512);
    assertThat(h.getLong(48)).as("rgdOffset").isEqualTo(1);
    assertThat(h.getLong(56)).as("gdOffset").isEqualTo(6);
    assertThat(h.getLong(64)).as("overHead").isEqualTo(128);
    assertThat(Files.size(w.extents().get(0))).isEqualTo(128 * 512);
  }

  @Test
  void monolithicSparseEmbedsTheVmwareDescriptor() throws Exception {
    HostedDiskFixture f = HostedDiskFixture.monolithicSparse("Virtual Disk.vmdk").cid(0x1234abcd);
    HostedDiskFixture.Written w = f.writeTo(dir);
    ByteBuffer h = header(w.descriptor());
    assertThat(h.getLong(28)).as("descriptorOffset").isEqualTo(1);
    assertThat(h.getLong(36)).as("descriptorSize").isEqualTo(20);
    assertThat(h.getLong(48)).as("rgdOffset").isEqualTo(21);
    byte[] file = Files.readAllBytes(w.descriptor());
    byte[] text = f.descriptorBytes();
    byte[] embedded = new byte[text.length];
    System.arraycopy(file, 512, embedded, 0, text.length);
    assertThat(embedded).isEqualTo(text);
    assertThat(file[512 + text.length]).as("NUL padding after the text").isZero();
  }

  @Test
  void descriptorTextIsVmwares() {
    String text =
        new String(
            HostedDiskFixture.twoGbMaxExtentSparse("sd0.vmdk")
                .cid(0x0a0b0c0d)
                .capacityBytes(5L << 30)
                .descriptorBytes(),
            StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith(
            "# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\nCID=0a0b0c0d\n"
                + "parentCID=ffffffff\nisNativeSnapshot=\"no\"\n"
                + "createType=\"twoGbMaxExtentSparse\"\n\n# Extent description\n"
                + "RW 4192256 SPARSE \"sd0-s001.vmdk\"\n"
                + "RW 4192256 SPARSE \"sd0-s002.vmdk\"\n"
                + "RW 2101248 SPARSE \"sd0-s003.vmdk\"\n\n"
                + "# The Disk Data Base \n#DDB\n\n"
                + "ddb.adapterType = \"lsilogic\"\n")
        .contains("ddb.geometry.cylinders = \"652\"\n")
        .containsPattern("ddb.longContentID = \"[0-9a-f]{24}0a0b0c0d\"\n")
        .containsPattern("ddb.uuid = \"60 00 C2( [0-9a-f]{2}){5}-[0-9a-f]{2}( [0-9a-f]{2}){7}\"\n")
        .endsWith("ddb.virtualHWVersion = \"16\"\n");
  }

  @Test
  void ddbEntriesAndEditsChangeTheText() {
    String text =
        new String(
            HostedDiskFixture.monolithicFlat("f.vmdk")
                .ddb("ddb.adapterType", "ide")
                .ddb("ddb.comment", "edited on Windows")
                .editDescriptor(t -> t.replace("\n", "\r\n"))
                .descriptorBytes(),
            StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\r\nddb.adapterType = \"ide\"\r\nddb.comment = \"edited on Windows\"\r\n")
        .doesNotContain("lsilogic")
        .doesNotContainPattern("[^\r]\n");
  }

  @Test
  void flatExtentLinesGiveTheOffset() {
    String text =
        new String(
            HostedDiskFixture.monolithicFlat("f.vmdk").capacitySectors(4096).descriptorBytes(),
            StandardCharsets.UTF_8);
    assertThat(text).contains("\nRW 4096 FLAT \"f-flat.vmdk\" 0\n");
  }

  @Test
  void namesAreEncodedInTheDeclaredEncoding() {
    HostedDiskFixture f = HostedDiskFixture.monolithicFlat("ソ～.vmdk").encoding("Shift_JIS");
    byte[] cp932 = "ソ～-flat.vmdk".getBytes(Charset.forName("windows-31j"));
    assertThat(f.extentFileNameBytes()).containsExactly(cp932);
    assertThat(new String(f.descriptorBytes(), Charset.forName("windows-31j")))
        .contains("encoding=\"Shift_JIS\"")
        .contains("\"ソ～-flat.vmdk\" 0");
  }

  @Test
  void aNameTheEncodingCannotHoldIsRefused() {
    HostedDiskFixture f = HostedDiskFixture.monolithicFlat("ディスク.vmdk").encoding("windows-1252");
    assertThatThrownBy(f::descriptorBytes)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windows-1252");
  }

  @Test
  void flatDisksHaveNoSparseHeaderSettings() {
    HostedDiskFixture f = HostedDiskFixture.twoGbMaxExtentFlat("f.vmdk");
    assertThatThrownBy(() -> f.version(2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> f.zeroedGrain(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(f::uncleanShutdown).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void grainsOutsideTheDiskAreRefused() {
    HostedDiskFixture f = HostedDiskFixture.monolithicFlat("f.vmdk").grain(4096, 1);
    assertThatThrownBy(() -> f.writeTo(dir)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void flatExtentsHoldTheGrainsAtTheirOffsets() throws Exception {
    HostedDiskFixture.Written w =
        HostedDiskFixture.twoGbMaxExtentFlat("f.vmdk")
            .capacitySectors(3 * 256)
            .extentSectors(256)
            .grain(300, 0x7a)
            .writeTo(dir);
    assertThat(w.extents()).hasSize(3);
    byte[] second = Files.readAllBytes(w.extents().get(1));
    assertThat(second).hasSize(256 * 512);
    // Sector 300 is in the grain at sectors 256..383: the first grain of the second extent.
    assertThat(second[0]).isEqualTo((byte) 0x7a);
    assertThat(second[128 * 512 - 1]).isEqualTo((byte) 0x7a);
    assertThat(second[128 * 512]).isZero();
  }

  @Test
  void aGrainOnAnExtentBoundaryIsInTheSecondExtentOnly() throws Exception {
    HostedDiskFixture.Written w =
        HostedDiskFixture.twoGbMaxExtentSparse("s.vmdk")
            .capacitySectors(512)
            .extentSectors(256)
            .grain(256, 0x7a)
            .writeTo(dir);
    long overHead = header(w.extents().get(0)).getLong(64);
    assertThat(Files.size(w.extents().get(0)))
        .as("first extent: no grain")
        .isEqualTo(overHead * 512);
    assertThat(Files.size(w.extents().get(1))).isEqualTo((overHead + 128) * 512);
  }

  private static ByteBuffer header(Path file) throws Exception {
    byte[] b = new byte[512];
    try (var in = Files.newInputStream(file)) {
      in.readNBytes(b, 0, 512);
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }
}
