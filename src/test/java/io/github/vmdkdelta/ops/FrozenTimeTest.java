package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info}'s freeze time: when make froze a disk, kept while the VM writes to the delta. */
class FrozenTimeTest {
  /** File systems stamp times from a coarse clock that may lag the one Java reads. */
  private static final Duration CLOCK_SLACK = Duration.ofMillis(50);

  @TempDir Path folder;

  @Test
  void aFrozenDiskShowsWhenMakeFrozeItAndKeepsIt() throws IOException, InterruptedException {
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x11);
    Thread.sleep(300);

    Instant before = Instant.now();
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT).run(disk);
    Instant after = Instant.now();
    Thread.sleep(300);
    QemuDisks.write(disk, 1 << 20, 65536, 0x22);
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(2), Options.DEFAULT).run(disk);

    ChainInfo info = ChainInfo.read(disk, false);
    assertThat(info.layers()).hasSize(3);
    assertThat(info.layers().get(0).frozenAt()).isEmpty();
    Instant first = info.layers().get(2).frozenAt().orElseThrow();
    assertThat(first).isBetween(before.minus(CLOCK_SLACK), after.plus(CLOCK_SLACK));
    Instant second = info.layers().get(1).frozenAt().orElseThrow();
    assertThat(second).isAfter(after.plus(Duration.ofMillis(200)));
  }
}
