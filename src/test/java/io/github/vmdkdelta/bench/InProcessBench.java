package io.github.vmdkdelta.bench;

import io.github.vmdkdelta.ops.ChainCheck;
import io.github.vmdkdelta.ops.ChainInfo;
import io.github.vmdkdelta.ops.DeleteDelta;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.RevertDelta;
import io.github.vmdkdelta.ops.SafeFileOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The in-process cost of the core operations with the JVM warm, for {@code bench/run.sh}: start-up
 * is left out, so that the script can report it apart from the work. Not a test: the script runs it
 * with {@code java -cp target/vmdk-delta.jar:target/test-classes}.
 *
 * <p>On each disk given (a base disk made by qemu-img, with no delta on it), it runs {@code make},
 * {@code revert} then {@code delete} {@code --warmup} times untimed, then {@code --iterations}
 * times timed with {@link System#nanoTime}, the disks taking turns; each round leaves the folder as
 * it was. {@code make-plan} is {@link MakeDelta#plan} alone (read and check the chain, build the
 * new delta in memory, write nothing), timed in the same loop. In the same rounds, {@code --info
 * KEY=DISK} times {@link ChainInfo#read} and {@code --check KEY=DISK} {@link ChainCheck#run} on
 * DISK, which they only read. Prints one tab-separated line per disk and operation: {@code op key
 * iterations medianNs minNs maxNs}, the key being the capacity in bytes for make, revert and
 * delete, KEY for info and check.
 *
 * <p>Usage: {@code InProcessBench [--warmup N] [--iterations N] [--info KEY=DISK]... [--check
 * KEY=DISK]... DISK...}
 */
public final class InProcessBench {
  private InProcessBench() {}

  /** A read-only operation timed on one disk. */
  private interface Reader {
    void read(Path disk) throws IOException;
  }

  /** Runs the benchmark; see the class comment. */
  public static void main(String[] args) throws IOException {
    int warmup = 50;
    int iterations = 200;
    List<Path> disks = new ArrayList<>();
    Map<String, Path> info = new LinkedHashMap<>();
    Map<String, Path> check = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--info" -> put(info, args[++i]);
        case "--check" -> put(check, args[++i]);
        default -> disks.add(Path.of(args[i]));
      }
    }
    if (disks.isEmpty() || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "usage: InProcessBench [--warmup N] [--iterations N] [--info KEY=DISK]..."
              + " [--check KEY=DISK]... DISK...");
    }
    SafeFileOperations ops = new SafeFileOperations();
    // A fixed seed: the CIDs do not matter here, and the work is the same for every run.
    SplittableRandom random = new SplittableRandom(1);
    MakeDelta make = new MakeDelta(ops, random, Options.DEFAULT);
    RevertDelta revert = new RevertDelta(ops, random, Options.DEFAULT);
    DeleteDelta delete = new DeleteDelta(ops, Options.DEFAULT);
    Reader infoReader = disk -> ChainInfo.read(disk, false);
    Reader checker = disk -> ChainCheck.run(disk, false);
    int n = disks.size();
    long[][] plan = new long[n][iterations];
    long[][] made = new long[n][iterations];
    long[][] reverted = new long[n][iterations];
    long[][] deleted = new long[n][iterations];
    long[][] infoNs = new long[info.size()][iterations];
    long[][] checkNs = new long[check.size()][iterations];
    // Warm-up first, on every disk; then the timed rounds, each visiting every disk in turn, so
    // that JIT compilation and changes in the machine's load touch all disks alike.
    for (int i = -warmup; i < iterations; i++) {
      for (int d = 0; d < n; d++) {
        Path disk = disks.get(d);
        long t0 = System.nanoTime();
        make.plan(disk);
        long t1 = System.nanoTime();
        make.run(disk);
        long t2 = System.nanoTime();
        revert.run(disk);
        long t3 = System.nanoTime();
        delete.run(disk);
        long t4 = System.nanoTime();
        if (i >= 0) {
          plan[d][i] = t1 - t0;
          made[d][i] = t2 - t1;
          reverted[d][i] = t3 - t2;
          deleted[d][i] = t4 - t3;
        }
      }
      time(infoReader, info, infoNs, i);
      time(checker, check, checkNs, i);
    }
    for (int d = 0; d < n; d++) {
      String capacityBytes = Long.toString(capacityBytes(disks.get(d)));
      print("make-plan", capacityBytes, plan[d]);
      print("make", capacityBytes, made[d]);
      print("revert", capacityBytes, reverted[d]);
      print("delete", capacityBytes, deleted[d]);
    }
    printAll("info", info, infoNs);
    printAll("check", check, checkNs);
  }

  private static void put(Map<String, Path> disks, String keyAndDisk) {
    int eq = keyAndDisk.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected KEY=DISK: " + keyAndDisk);
    }
    disks.put(keyAndDisk.substring(0, eq), Path.of(keyAndDisk.substring(eq + 1)));
  }

  /** Runs {@code op} once on each disk, keeping the time of round {@code i} when it is timed. */
  private static void time(Reader op, Map<String, Path> disks, long[][] ns, int i)
      throws IOException {
    int d = 0;
    for (Path disk : disks.values()) {
      long t0 = System.nanoTime();
      op.read(disk);
      long t1 = System.nanoTime();
      if (i >= 0) {
        ns[d][i] = t1 - t0;
      }
      d++;
    }
  }

  private static void printAll(String op, Map<String, Path> disks, long[][] ns) {
    int d = 0;
    for (String key : disks.keySet()) {
      print(op, key, ns[d++]);
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

  private static void print(String op, String key, long[] ns) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    long median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    System.out.println(
        String.join(
            "\t",
            op,
            key,
            Integer.toString(n),
            Long.toString(median),
            Long.toString(sorted[0]),
            Long.toString(sorted[n - 1])));
  }
}
