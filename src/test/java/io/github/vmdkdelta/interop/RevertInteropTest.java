package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * revert checked by qemu-img and vmdkinfo: the disk reads as its snapshot, the parent untouched.
 */
class RevertInteropTest {
  @TempDir Path dir;

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private void assertReadsAs(String disk, Path raw) throws IOException {
    Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
    ExternalTools.run(dir, qemuImg, "check", disk).expectSuccess();
    ExternalTools.run(dir, qemuImg, "compare", "-f", "vmdk", "-F", "raw", disk, raw.toString())
        .expectSuccess();
  }

  @Test
  void revertOfOurDeltaReadsAsTheSnapshotAndKeepsIt() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "1000K");
    QemuDisks.write(disk, 0, 65536, 0x41);
    QemuDisks.write(disk, 1019904, 4096, 0x42); // inside the last, partial grain
    Path snapshot = QemuDisks.toRaw(disk, dir.getParent().resolve(dir.getFileName() + "-snap.raw"));
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    QemuDisks.write(disk, 4096, 8192, 0x43);
    QemuDisks.write(disk, 1015808, 8192, 0x44);
    String oldChild = QemuDisks.descriptor(disk);
    byte[] parent = Files.readAllBytes(dir.resolve("sd0-000000.vmdk"));

    Cli r = Cli.run("revert", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(names(dir)).isEqualTo(Set.of("sd0.vmdk", "sd0-000000.vmdk"));
    assertReadsAs("sd0.vmdk", snapshot);
    assertThat(Files.readAllBytes(dir.resolve("sd0-000000.vmdk"))).isEqualTo(parent);
    String child = QemuDisks.descriptor(disk);
    assertThat(child)
        .contains("parentFileNameHint=\"sd0-000000.vmdk\"")
        .contains("SPARSE \"sd0.vmdk\"");
    assertThat(line(child, "CID=")).isNotEqualTo(line(oldChild, "CID="));
    assertThat(line(child, "parentCID=")).isEqualTo(line(oldChild, "parentCID="));
    ExternalTools.run(dir, ExternalTools.require(ExternalTools.VMDKINFO), "sd0.vmdk")
        .expectSuccess();

    // The snapshot is still there: writing and reverting again works the same.
    QemuDisks.write(disk, 0, 4096, 0x45);
    assertThat(Cli.run("revert", disk.toString()).code()).isZero();
    assertReadsAs("sd0.vmdk", snapshot);
  }

  @Test
  void revertOfAQemuMadeDeltaInAThreeLayerChain() throws IOException {
    QemuDisks.base(dir, "a.vmdk", "64M");
    QemuDisks.write(dir.resolve("a.vmdk"), 0, 65536, 0x51);
    QemuDisks.delta(dir, "b.vmdk", "a.vmdk");
    QemuDisks.write(dir.resolve("b.vmdk"), 1 << 20, 65536, 0x52);
    QemuDisks.delta(dir, "c.vmdk", "b.vmdk");
    Path snapshot =
        QemuDisks.toRaw(
            dir.resolve("c.vmdk"), dir.getParent().resolve(dir.getFileName() + "-c.raw"));
    QemuDisks.write(dir.resolve("c.vmdk"), 2 << 20, 65536, 0x53);

    Cli r = Cli.run("revert", dir.resolve("c.vmdk").toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(names(dir)).isEqualTo(Set.of("a.vmdk", "b.vmdk", "c.vmdk"));
    assertReadsAs("c.vmdk", snapshot);
  }

  private static String line(String descriptor, String key) {
    int at = descriptor.indexOf("\n" + key) + 1;
    return descriptor.substring(at, descriptor.indexOf('\n', at));
  }
}
