package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RawVmdk;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link MetadataCheck} serves both plannings of an operation: it scans a file's grain tables
 * again only when the file changed, and always when it did.
 */
class MetadataCheckTest {
  @TempDir Path dir;

  @Test
  void aFileChangedAfterItWasFoundSoundIsScannedAgain() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "64M");
    MetadataCheck check = new MetadataCheck();
    check.requireSound(DiskLayer.open(disk), "make does not freeze a damaged disk");
    // Grain 0 into the header: what the first scan would have refused.
    RawVmdk.of(disk).setBothGtes(0, 1);
    assertThatThrownBy(
            () -> check.requireSound(DiskLayer.open(disk), "make does not freeze a damaged disk"))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("make does not freeze a damaged disk");
  }

  @Test
  void anUnchangedFileIsNotScannedAgain() throws IOException {
    // 64 GiB of 64 KiB grains: 4 MiB of grain tables, each read by a scan.
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "64G");
    MetadataCheck check = new MetadataCheck();
    long first = bytesRead(() -> check.requireSound(DiskLayer.open(disk), "refused"));
    long second = bytesRead(() -> check.requireSound(DiskLayer.open(disk), "refused"));
    long fresh = bytesRead(() -> new MetadataCheck().requireSound(DiskLayer.open(disk), "r"));
    assertThat(first).isGreaterThan(4L << 20);
    assertThat(fresh).isGreaterThan(4L << 20);
    assertThat(second).isLessThan(first / 4);
  }

  @Test
  void makeScansTheDiskItFreezesOnceThoughItPlansTwice() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "64G");
    long scan = bytesRead(() -> new MetadataCheck().requireSound(DiskLayer.open(disk), "r"));
    MakeDelta make =
        new MakeDelta(new SafeFileOperations(), new java.util.SplittableRandom(1), Options.DEFAULT);
    long made = bytesRead(() -> make.run(disk));
    assertThat(dir.resolve("sd0-000000.vmdk")).exists();
    assertThat(made).isGreaterThan(scan).isLessThan(scan * 3 / 2);
  }

  interface Action {
    void run() throws IOException;
  }

  /** Bytes this process read while {@code action} ran ({@code rchar} of /proc/self/io). */
  private static long bytesRead(Action action) throws IOException {
    long before = rchar();
    action.run();
    return rchar() - before;
  }

  private static long rchar() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).strip());
      }
    }
    throw new IllegalStateException("no rchar in /proc/self/io");
  }
}
