package io.github.vmdkdelta.bench;

import io.github.vmdkdelta.ops.DeleteDelta;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.SafeFileOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The in-process cost of the core operations with the JVM warm, for {@code bench/run.sh}: start-up
 * is left out, so that the script can report it apart from the work. Not a test: the script runs it
 * with {@code java -cp target/vmdk-delta.jar:target/test-classes}.
 *
 * <p>On each disk given (a base disk made by qemu-img, with no delta on it), it runs {@code make}
 * then {@code delete} {@code --warmup} times untimed, then {@code --iterations} times timed with
 * {@link System#nanoTime}, the disks taking turns; each {@code make} + {@code delete} pair leaves
 * the folder as it was. {@code make-plan} is {@link MakeDelta#plan} alone (read and check the
 * chain, build the new delta in memory, write nothing), timed in the same loop. Prints one
 * tab-separated line per disk and operation: {@code op capacityBytes iterations medianNs minNs
 * maxNs}.
 *
 * <p>Usage: {@code InProcessBench [--warmup N] [--iterations N] DISK...}
 */
public final class InProcessBench {
  private InProcessBench() {}

  /** Runs the benchmark; see the class comment. */
  public static void main(String[] args) throws IOException {
    int warmup = 50;
    int iterations = 200;
    List<Path> disks = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        default -> disks.add(Path.of(args[i]));
      }
    }
    if (disks.isEmpty() || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "usage: InProcessBench [--warmup N] [--iterations N] DISK...");
    }
    SafeFileOperations ops = new SafeFileOperations();
    // A fixed seed: the CIDs do not matter here, and the work is the same for every run.
    MakeDelta make = new MakeDelta(ops, new SplittableRandom(1));
    DeleteDelta delete = new DeleteDelta(ops);
    int n = disks.size();
    long[][] plan = new long[n][iterations];
    long[][] made = new long[n][iterations];
    long[][] deleted = new long[n][iterations];
    // Warm-up first, on every disk; then the timed rounds, each visiting every disk in turn, so
    // that JIT compilation and changes in the machine's load touch all capacities alike.
    for (int i = -warmup; i < iterations; i++) {
      for (int d = 0; d < n; d++) {
        Path disk = disks.get(d);
        long t0 = System.nanoTime();
        make.plan(disk);
        long t1 = System.nanoTime();
        make.run(disk);
        long t2 = System.nanoTime();
        delete.run(disk);
        long t3 = System.nanoTime();
        if (i >= 0) {
          plan[d][i] = t1 - t0;
          made[d][i] = t2 - t1;
          deleted[d][i] = t3 - t2;
        }
      }
    }
    for (int d = 0; d < n; d++) {
      long capacityBytes = capacityBytes(disks.get(d));
      print("make-plan", capacityBytes, plan[d]);
      print("make", capacityBytes, made[d]);
      print("delete", capacityBytes, deleted[d]);
    }
  }

  /** The header's capacity field (sectors, offset 12), in bytes. */
  private static long capacityBytes(Path disk) throws IOException {
    byte[] header = new byte[20];
    try (var in = Files.newInputStream(disk)) {
      if (in.readNBytes(header, 0, header.length) != header.length) {
        throw new IOException(disk + ": shorter than a header");
      }
    }
    long sectors = 0;
    for (int i = 19; i >= 12; i--) {
      sectors = (sectors << 8) | (header[i] & 0xff);
    }
    return sectors * 512;
  }

  private static void print(String op, long capacityBytes, long[] ns) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    long median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    System.out.println(
        String.join(
            "\t",
            op,
            Long.toString(capacityBytes),
            Integer.toString(n),
            Long.toString(median),
            Long.toString(sorted[0]),
            Long.toString(sorted[n - 1])));
  }
}
