import io.github.vmdkdelta.chain.ChainWriter;
import io.github.vmdkdelta.chain.DiskChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Times {@code vmdk-delta commit} against {@code qemu-img commit} on the same chains, and writes
 * docs/benchmarks-commit.md. Run by bench/commit-benchmark.sh (see there). Each chain is made with
 * qemu-img and vmdk-delta make, its data written with the library's ChainWriter (qemu-io writes
 * VMDK at about 16 MiB/s here, too slow for gigabytes). Each tool runs on its own fresh copy; when
 * run as root the page cache is dropped first, so reads come from the device.
 */
public class CommitBenchmark {
  static final int GRAIN = 64 * 1024;
  static Path jar;
  static Path work;

  record Scenario(String name, String capacity, long capacityBytes, long baseBytes, long deltaBytes, boolean scattered) {}

  public static void main(String[] args) throws Exception {
    jar = Path.of(args[0]).toAbsolutePath();
    work = Path.of(args[1]).toAbsolutePath();
    Path out = Path.of(args[2]).toAbsolutePath();
    int runs = Integer.parseInt(args[3]);
    long gib = 1L << 30;
    List<Scenario> scenarios =
        List.of(
            new Scenario("1 GiB appended (empty parent)", "4G", 4 * gib, 0, gib, false),
            new Scenario("1 GiB overwritten in place", "4G", 4 * gib, gib, gib, false),
            new Scenario("1 GiB in 16384 scattered grains, half over the parent's", "16G", 16 * gib, gib, gib, true));
    boolean root = "root".equals(System.getProperty("user.name"));
    StringBuilder md = new StringBuilder();
    md.append("# commit: vmdk-delta against qemu-img\n\n");
    md.append("Written by `bench/commit-benchmark.sh` on ").append(LocalDate.now()).append(": ");
    md.append(machine()).append(". ");
    md.append(root ? "Page cache dropped before each run (cold reads)." : "Not root: page cache not dropped (warm reads).");
    md.append(" Median of ").append(runs).append(" runs, each on a fresh copy; wall time of the whole command");
    md.append(" (vmdk-delta includes JVM start, checks, journal and undo log).\n\n");
    md.append("| scenario | vmdk-delta commit | qemu-img commit | ratio |\n|---|---|---|---|\n");
    for (Scenario s : scenarios) {
      Path fixture = fixture(s);
      double[] ours = new double[runs];
      double[] theirs = new double[runs];
      for (int r = 0; r < runs; r++) {
        Path a = copy(fixture, work.resolve("ours"));
        ours[r] = time(root, a, "java", "-jar", jar.toString(), "commit", "--quiet", "sd0.vmdk");
        Path q = copy(fixture, work.resolve("qemu"));
        theirs[r] = time(root, q, "qemu-img", "commit", "-f", "vmdk", "sd0.vmdk");
        run(work, "qemu-img", "compare", a.resolve("sd0.vmdk").toString(), q.resolve("sd0-000000.vmdk").toString());
        System.out.printf(Locale.ROOT, "%s: run %d: vmdk-delta %.2f s, qemu-img %.2f s%n", s.name(), r + 1, ours[r], theirs[r]);
      }
      double o = median(ours);
      double t = median(theirs);
      double mb = s.deltaBytes() / 1e6;
      md.append(String.format(Locale.ROOT, "| %s | %.1f s (%.0f MB/s) | %.1f s (%.0f MB/s) | %.1fx |%n", s.name(), o, mb / o, t, mb / t, t / o));
    }
    md.append("\nMB/s: bytes of the delta's grains (10^6) per second of wall time. Ratio: qemu-img's time");
    md.append(" over vmdk-delta's (above 1: vmdk-delta is faster). qemu-img commit writes the parent in");
    md.append(" place with no undo; vmdk-delta first saves every byte it overwrites in its undo log, forced,");
    md.append(" so a grain overwritten in place is written twice.\n");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md);
    System.out.print(md);
  }

  /** A folder with sd0-000000.vmdk (base) and sd0.vmdk (its delta), both filled as the scenario says. */
  static Path fixture(Scenario s) throws Exception {
    Path dir = work.resolve("fixture");
    delete(dir);
    Files.createDirectories(dir);
    run(dir, "qemu-img", "create", "-f", "vmdk", "sd0.vmdk", s.capacity());
    SplittableRandom random = new SplittableRandom(20261125L);
    long grains = s.capacityBytes() / GRAIN;
    long[] deltaGrains;
    if (s.scattered()) {
      long[] picked = random.longs(0, grains).distinct().limit(s.deltaBytes() / GRAIN).sorted().toArray();
      deltaGrains = picked;
      long[] under = Arrays.stream(picked).filter(g -> (g & 1) == 0).toArray();
      write(dir.resolve("sd0.vmdk"), under, random); // half of them in the parent too
      write(dir.resolve("sd0.vmdk"), random.longs(0, grains).limit(s.baseBytes() / GRAIN / 2).toArray(), random);
    } else {
      write(dir.resolve("sd0.vmdk"), range(s.baseBytes() / GRAIN), random);
      deltaGrains = range(s.deltaBytes() / GRAIN);
    }
    run(dir, "java", "-jar", jar.toString(), "make", "sd0.vmdk");
    write(dir.resolve("sd0.vmdk"), deltaGrains, random);
    return dir;
  }

  static long[] range(long n) {
    long[] r = new long[(int) n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  static void write(Path disk, long[] grains, SplittableRandom random) throws IOException {
    byte[] buf = new byte[GRAIN];
    try (ChainWriter w = ChainWriter.open(DiskChain.open(disk), random)) {
      for (long g : grains) {
        random.nextBytes(buf);
        w.write(g * GRAIN, buf, 0, GRAIN);
      }
    }
  }

  static double time(boolean dropCaches, Path dir, String... command) throws Exception {
    run(dir, "sync");
    Thread.sleep(3000); // let the copy's write-back settle
    if (dropCaches) {
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }
    long t = System.nanoTime();
    run(dir, command);
    return (System.nanoTime() - t) / 1e9;
  }

  static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  static Path copy(Path from, Path to) throws Exception {
    delete(to);
    run(from.getParent(), "cp", "-a", "--sparse=always", from.toString(), to.toString());
    return to;
  }

  static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  static String machine() throws IOException {
    List<String> parts = new ArrayList<>();
    Path cpu = Path.of("/proc/cpuinfo");
    if (Files.exists(cpu)) {
      Files.readAllLines(cpu).stream().filter(l -> l.startsWith("model name")).findFirst()
          .ifPresent(l -> parts.add(l.substring(l.indexOf(':') + 1).strip()));
    }
    parts.add(Runtime.getRuntime().availableProcessors() + " CPUs");
    parts.add("Java " + System.getProperty("java.version"));
    return String.join(", ", parts);
  }
}
