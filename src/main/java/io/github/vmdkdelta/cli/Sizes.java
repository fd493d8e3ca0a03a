package io.github.vmdkdelta.cli;

import java.util.Locale;

/** Byte counts for people: binary units with one decimal, as qemu-img shows them. */
final class Sizes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {}

  /** {@code 1073741824} gives {@code "1.0 GiB"}, {@code 512} gives {@code "512 B"}. */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit + 1 < UNITS.length) {
      value /= 1024;
      unit++;
    }
    // 1023.96 KiB would print as "1024.0 KiB": show it as the next unit instead.
    if (value >= 1023.95 && unit + 1 < UNITS.length) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  /** {@code "1.0 GiB (1073741824)"}: for a table whose heading says the unit of the exact value. */
  static String humanAndBytes(long bytes) {
    return bytes < 1024 ? bytes + " B" : human(bytes) + " (" + bytes + ")";
  }
}
