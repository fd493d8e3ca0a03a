package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.vmdk.DeltaMerge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far a long merge is, on one line of stderr rewritten in place: percent, bytes, and
 * speed in MB/s. Nothing is shown for a merge that finishes within {@code delayNanos}.
 */
final class ProgressMeter implements DeltaMerge.Progress {
  /** Merges shorter than this show no progress at all. */
  static final long DEFAULT_DELAY_NANOS = 1_000_000_000L;

  /** Redraw at most this often. */
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintWriter err;
  private final String label;
  private final LongSupplier clock;
  private final long delayNanos;
  private final long start;
  private long lastDraw = Long.MIN_VALUE;
  private int lastWidth;
  private boolean drawn;

  ProgressMeter(PrintWriter err, String label, LongSupplier clock, long delayNanos) {
    this.err = err;
    this.label = label;
    this.clock = clock;
    this.delayNanos = delayNanos;
    this.start = clock.getAsLong();
  }

  @Override
  public void update(long done, long total) {
    long now = clock.getAsLong();
    if (now - start < delayNanos || (done < total && drawn && now - lastDraw < REDRAW_NANOS)) {
      return;
    }
    lastDraw = now;
    drawn = true;
    String line = line(done, total, now - start);
    err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
    lastWidth = line.length();
    err.flush();
  }

  /** Ends the line, if anything was shown. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }

  String line(long done, long total, long elapsedNanos) {
    long percent = total == 0 ? 100 : (long) Math.floor(100.0 * done / total);
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    return String.format(
        Locale.ROOT,
        "vmdk-delta: %s: %3d%% (%s of %s, %.0f MB/s)",
        label,
        percent,
        Sizes.human(done),
        Sizes.human(total),
        done / 1e6 / seconds);
  }

  /**
   * Whether this process's stderr is a terminal. On Linux from {@code /proc/self/fd/2}; elsewhere
   * Java only tells whether stdin and stdout are ({@link System#console()}), which is close enough
   * for deciding to show progress.
   */
  static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.exists(fd)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/")
            || target.startsWith("/dev/tty")
            || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
