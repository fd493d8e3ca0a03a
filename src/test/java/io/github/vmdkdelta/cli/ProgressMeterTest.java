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
  void humanSizes() {
    assertThat(ProgressMeter.human(0)).isEqualTo("0 bytes");
    assertThat(ProgressMeter.human(1023)).isEqualTo("1023 bytes");
    assertThat(ProgressMeter.human(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressMeter.human(3L << 40)).isEqualTo("3.0 TiB");
  }
}
