package io.github.vmdkdelta.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent tools the interop tests check our files with: {@code qemu-img} and {@code
 * qemu-io} (Debian/Ubuntu package {@code qemu-utils}) and {@code vmdkinfo} ({@code libvmdk-utils}).
 * A test that needs one calls {@link #require}: on a developer's machine without the tool the test
 * is skipped with a message saying what to install; in CI ({@code CI=true}) a missing tool fails
 * the test, so interop checks can never silently stop running there.
 */
public final class ExternalTools {
  /** qemu-img, from qemu-utils. */
  public static final String QEMU_IMG = "qemu-img";

  /** qemu-io, from qemu-utils. */
  public static final String QEMU_IO = "qemu-io";

  /** vmdkinfo, from libvmdk-utils. */
  public static final String VMDKINFO = "vmdkinfo";

  /** How long one tool run may take before it is killed and the test fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();

  private ExternalTools() {}

  /** The tool's executable on PATH, if there is one. */
  public static Optional<Path> locate(String name) {
    return FOUND.computeIfAbsent(name, ExternalTools::search);
  }

  private static Optional<Path> search(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    boolean windows =
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    List<String> names = windows ? List.of(name + ".exe", name) : List.of(name);
    for (String folder : path.split(File.pathSeparator)) {
      if (folder.isEmpty()) {
        continue;
      }
      for (String n : names) {
        Path candidate = Path.of(folder, n);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The tool's executable. When it is missing, skips the calling test with a visible message, or
   * fails it when the environment variable {@code CI} is {@code true}.
   */
  public static Path require(String name) {
    Optional<Path> found = locate(name);
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        name + " not found on PATH: install " + packageOf(name) + " to run this interop test";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + message);
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static String packageOf(String name) {
    return switch (name) {
      case QEMU_IMG, QEMU_IO -> "qemu-utils (apt-get install qemu-utils)";
      case VMDKINFO -> "libvmdk-utils (apt-get install libvmdk-utils)";
      default -> "it";
    };
  }

  /**
   * What a finished command did.
   *
   * @param command the command line
   * @param exitCode its exit code
   * @param output standard output and standard error, interleaved
   */
  public record Result(List<String> command, int exitCode, String output) {
    /** This result, or an AssertionError showing the command and its output. */
    public Result expectExitCode(int expected) {
      if (exitCode != expected) {
        throw new AssertionError(
            String.join(" ", command)
                + ": exit code "
                + exitCode
                + ", expected "
                + expected
                + "; output:\n"
                + output);
      }
      return this;
    }

    /** This result when the exit code is 0. */
    public Result expectSuccess() {
      return expectExitCode(0);
    }
  }

  /**
   * Runs {@code tool} (found with {@link #require}) in {@code folder}, requires exit 0, and returns
   * its output.
   */
  public static String runOk(Path folder, String tool, String... args) throws IOException {
    List<Object> command = new ArrayList<>();
    command.add(require(tool));
    command.addAll(List.of(args));
    return run(folder, command.toArray()).expectSuccess().output();
  }

  /** Runs a command in {@code folder} with {@link #DEFAULT_TIMEOUT}. */
  public static Result run(Path folder, Object... command) throws IOException {
    return run(folder, DEFAULT_TIMEOUT, command);
  }

  /**
   * Runs a command in {@code folder}, in the C locale (stable messages), and captures its exit code
   * and output. A command that outlives {@code timeout} is killed and fails the test.
   *
   * @param command program and arguments; each is turned into a string ({@link Path}s as given)
   */
  public static Result run(Path folder, Duration timeout, Object... command) throws IOException {
    List<String> args = new ArrayList<>();
    for (Object c : command) {
      args.add(c.toString());
    }
    Path log = Files.createTempFile("vmdk-delta-tool", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(args).directory(folder.toFile());
      pb.environment().put("LC_ALL", "C");
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
      Process p = pb.start();
      boolean finished;
      try {
        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + args, e);
      }
      if (!finished) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", args)
                + ": still running after "
                + timeout
                + ", killed; output so far:\n"
                + Files.readString(log, StandardCharsets.ISO_8859_1));
      }
      return new Result(
          List.copyOf(args), p.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static File nullFile() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }
}
