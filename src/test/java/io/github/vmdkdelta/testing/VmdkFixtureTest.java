package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture builder is checked by independent readers, so tests built on it mean something. */
class VmdkFixtureTest {
  @TempDir Path dir;

  @Test
  void qemuReadsABaseWithGrains() throws Exception {
    // Grains in the first and the last grain table, written out of order.
    VmdkFixture f =
        VmdkFixture.base("b.vmdk")
            .capacitySectors(4 * 65536)
            .grain(3 * 65536 + 300, 0x5a)
            .grain(200, 0xa5);
    f.writeTo(dir);
    assertThat(ExternalTools.runOk(dir, "qemu-img", "check", "b.vmdk"))
        .contains("No errors were found");
    String info = ExternalTools.runOk(dir, "qemu-img", "info", "b.vmdk");
    assertThat(info)
        .contains("virtual size: 128 MiB")
        .contains("cid: " + Integer.toUnsignedLong(f.cid()));
    // grain(200) covers sectors 128..255, grain(3*65536+300) covers sectors 196864..196991.
    ExternalTools.runOk(
        dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0xa5 65536 65536", "b.vmdk");
    ExternalTools.runOk(
        dir,
        "qemu-io",
        "-r",
        "-f",
        "vmdk",
        "-c",
        "read -P 0x5a " + 196864L * 512 + " 65536",
        "b.vmdk");
    ExternalTools.runOk(dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0 0 65536", "b.vmdk");
  }

  @Test
  void qemuFollowsADeltaToItsParent() throws Exception {
    VmdkFixture.base("p.vmdk").cid(0x1111).grain(0, 0x11).grain(1000, 0x22).writeTo(dir);
    VmdkFixture.delta("c.vmdk", "p.vmdk", 0x1111).cid(0x2222).grain(1000, 0x33).writeTo(dir);
    assertThat(ExternalTools.runOk(dir, "qemu-img", "check", "c.vmdk"))
        .contains("No errors were found");
    assertThat(ExternalTools.runOk(dir, "qemu-img", "info", "--backing-chain", "c.vmdk"))
        .contains("backing file: p.vmdk");
    // Grain 0 comes from the parent, the grain of sector 1000 from the child.
    ExternalTools.runOk(dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0x11 0 65536", "c.vmdk");
    ExternalTools.runOk(
        dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0x33 " + 896 * 512 + " 65536", "c.vmdk");
  }

  @Test
  void aZeroedGrainHidesTheParentsData() throws Exception {
    VmdkFixture.base("p.vmdk").cid(0x1111).grain(0, 0x11).grain(128, 0x22).writeTo(dir);
    VmdkFixture child =
        VmdkFixture.delta("c.vmdk", "p.vmdk", 0x1111).version(2).cid(0x2222).zeroedGrain(0);
    child.writeTo(dir);
    assertThat(child.headerFields().flags).as("zeroed-grain flag").isEqualTo(7);
    assertThat(ExternalTools.runOk(dir, "qemu-img", "check", "c.vmdk"))
        .contains("No errors were found");
    ExternalTools.runOk(dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0 0 65536", "c.vmdk");
    ExternalTools.runOk(
        dir, "qemu-io", "-r", "-f", "vmdk", "-c", "read -P 0x22 65536 65536", "c.vmdk");
  }

  @Test
  void anExtentWithoutDescriptorStartsItsTablesAtSectorOne() {
    VmdkFixture.Layout l = VmdkFixture.base("x-s001.vmdk").descriptorSectors(0).layout();
    assertThat(l.descriptorOffset()).isZero();
    assertThat(l.rgdOffset()).isEqualTo(1);
  }

  @Test
  void libvmdkReadsTheFixture() throws Exception {
    VmdkFixture.base("b.vmdk").capacitySectors(2048).cid(0xabcdef01).writeTo(dir);
    String info = ExternalTools.runOk(dir, "vmdkinfo", "b.vmdk");
    assertThat(info)
        .contains("Monolithic sparse")
        .contains("Content identifier:\t\t0xabcdef01")
        .contains("Parent content identifier:\t0xffffffff")
        .contains("1048576 bytes")
        .contains("Filename:\t\t\tb.vmdk");
  }

  @Test
  void layoutOfOneGibIsQemus() {
    VmdkFixture.Layout l = VmdkFixture.base("x.vmdk").capacitySectors(2097152).layout();
    assertThat(l.rgdOffset()).isEqualTo(21);
    assertThat(l.gdOffset()).isEqualTo(150);
    assertThat(l.overHead()).isEqualTo(384);
  }

  @Test
  void truncateCutsTheFile() throws Exception {
    Path p = VmdkFixture.base("t.vmdk").truncateTo(1000).writeTo(dir);
    assertThat(Files.size(p)).isEqualTo(1000);
  }
}
