package io.github.vmdkdelta.interop;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code length} bytes of {@code value} at byte {@code offset} of a virtual disk, as qemu-io's
 * {@code write -P} writes them ({@code value} 0: {@code write -z}).
 */
record Pattern(int value, long offset, int length) {
  static final int GRAIN = 64 * 1024;

  /** The qemu-io command that writes it. */
  String qemuIoCommand() {
    return value == 0
        ? "write -z " + offset + " " + length
        : String.format("write -P 0x%02x %d %d", value, offset, length);
  }

  /** Writes it into a raw image, the model of what qemu-io does to the virtual disk. */
  void applyTo(Path raw) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      byte[] bytes = new byte[length];
      Arrays.fill(bytes, (byte) value);
      f.seek(offset);
      f.write(bytes);
    }
  }

  /**
   * {@code count} patterns of random non-zero values inside {@code [0, capacity)}: the first ends
   * in the disk's last 64 KiB (its last grain, partial when the capacity is not a multiple of the
   * grain), the second straddles a grain boundary, the rest fall anywhere; lengths up to two
   * grains, neither offsets nor lengths aligned.
   */
  static List<Pattern> random(SplittableRandom random, long capacity, int count) {
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = (int) Math.min(capacity, 1 + random.nextInt(2 * GRAIN));
      long offset;
      if (i == 0) {
        length = (int) Math.min(length, Math.min(capacity, GRAIN));
        offset = capacity - length - random.nextLong(Math.min(capacity, GRAIN) - length + 1);
      } else if (i == 1 && capacity > GRAIN) {
        long boundary = GRAIN * (1 + random.nextLong((capacity - 1) / GRAIN));
        length = (int) Math.min(length, 2 * Math.min(boundary, capacity - boundary));
        offset = boundary - length / 2;
      } else {
        offset = random.nextLong(capacity - length + 1);
      }
      patterns.add(new Pattern(1 + random.nextInt(255), offset, length));
    }
    return patterns;
  }
}
