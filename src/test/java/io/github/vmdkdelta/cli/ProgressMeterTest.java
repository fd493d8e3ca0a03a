package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
  private long now;
  private final StringWriter text = new StringWriter();

  private ProgressMeter meter(long delayNanos) {
    return new ProgressMeter(new PrintWriter(text), "commit", () -> now, delayNanos);
  }

  @Test
  void aShortMergeShowsNothing() {
    ProgressMeter m = meter(1_000_000_000L);
    now += 400_000_000L;
    m.update(50, 100);
    now += 400_000_000L;
    m.update(100, 100);
    m.finish();
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void aLongMergeShowsPercentAndSpeedOnOneLine() {
    ProgressMeter m = meter(1_000_000_000L);
    now += 2_000_000_000L;
    m.update(300_000_000L, 1_000_000_000L);
    now += 100_000_000L; // too soon to redraw
    m.update(310_000_000L, 1_000_000_000L);
    now += 1_900_000_000L;
    m.update(1_000_000_000L, 1_000_000_000L); // the end is always drawn
    m.finish();
    assertThat(text.toString())
        .isEqualTo(
            "\rvmdk-delta: commit:  30% (286.1 MiB of 953.7 MiB, 150 MB/s)"
                + "\rvmdk-delta: commit: 100% (953.7 MiB of 953.7 MiB, 250 MB/s)"
                + System.lineSeparator());
  }

  @Test
  void aShorterLineBlanksWhatIsLeftOfTheLongerOne() {
    ProgressMeter m = meter(0);
    now += 1_000_000_000L;
    m.update(5_000_000_000L, 5_000_000_000L);
    now += 1_000_000_000L;
    m.update(0, 0);
    String[] draws = text.toString().split("\r");
    assertThat(draws[2]).hasSameSizeAs(draws[1]).endsWith(" ");
  }

  @Test
  void sizesAreWrittenAsInfoWritesThem() {
    // One formatter, Sizes, for the progress line, commit's messages and info's table.
    assertThat(meter(0).line(0, 1023, 1_000_000_000L))
        .isEqualTo("vmdk-delta: commit:   0% (0 B of 1023 B, 0 MB/s)");
    assertThat(meter(0).line(1536, 1048575, 1_000_000_000L))
        .isEqualTo("vmdk-delta: commit:   0% (1.5 KiB of 1.0 MiB, 0 MB/s)");
    assertThat(meter(0).line(3L << 40, 3L << 40, 1_000_000_000L)).contains("(3.0 TiB of 3.0 TiB, ");
  }
}
