package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which header versions the writer accepts. Version 3 marks a disk with changed block tracking: it
 * is opened for reading only (qemu: "VMDK version 3 must be read only", VMware KB 2064959), so
 * nothing may write grains or tables into it, however the reading side comes to treat it.
 */
class HeaderVersionWriteTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "version {0}")
  @ValueSource(ints = {1, 2})
  void versionsOneAndTwoAreWritable(int version) throws Exception {
    SparseExtent extent = open(version);
    assertThat(extent.header().version()).isEqualTo(version);
    assertThatCode(() -> SparseExtentWriter.requireWritable(extent)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "zeroed grains: {0}")
  @ValueSource(booleans = {false, true})
  void versionThreeIsNeverWritten(boolean zeroedGrains) throws Exception {
    HostedDiskFixture disk = HostedDiskFixture.monolithicSparse("v3.vmdk").version(3);
    if (zeroedGrains) {
      disk.zeroedGrain(0);
    }
    SparseExtent extent = SparseExtent.open(disk.writeTo(dir).descriptor());
    assertThat(extent.header().version()).isEqualTo(3);
    assertThatThrownBy(() -> SparseExtentWriter.requireWritable(extent))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageStartingWith(dir.resolve("v3.vmdk") + ": header: ");
  }

  private SparseExtent open(int version) throws Exception {
    Path file =
        HostedDiskFixture.monolithicSparse("v" + version + ".vmdk")
            .version(version)
            .grain(0, 0x11)
            .writeTo(dir)
            .descriptor();
    return SparseExtent.open(file);
  }
}
