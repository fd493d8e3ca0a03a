package io.github.vmdkdelta.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged tool ({@code target/vmdk-delta.jar}) as a separate JVM, for the *IT tests. */
public final class ToolProcess {
  /** The prefix of the system properties that cli.TestMain reads. */
  private static final String HOOK_PROPERTIES = "-Dvmdk-delta.test.";

  private static final String TEST_MAIN = "io.github.vmdkdelta.cli.TestMain";

  private ToolProcess() {}

  /** The compiled test classes, which hold cli.TestMain. */
  private static Path testClasses() {
    Path classes = Path.of(System.getProperty("user.dir"), "target", "test-classes");
    if (!Files.isRegularFile(classes.resolve(TEST_MAIN.replace('.', '/') + ".class"))) {
      throw new AssertionError(classes + " holds no " + TEST_MAIN + ": run 'mvn verify'");
    }
    return classes;
  }

  /** The jar built by {@code mvn package}; the integration tests run after it. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("user.dir"), "target", "vmdk-delta.jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing: run the integration tests with 'mvn verify'");
    }
    return jar;
  }

  /**
   * Starts {@code java [jvmOptions] -jar vmdk-delta.jar args}, output to {@code log}. When the
   * options ask for a test hook ({@code -Dvmdk-delta.test.*}, see {@code cli.TestMain}) it starts
   * {@code java [jvmOptions] -cp vmdk-delta.jar:test-classes io.github.vmdkdelta.cli.TestMain args}
   * instead: the jar itself has no hooks, only its classes run with those of the tests.
   */
  public static Process start(List<String> jvmOptions, Path log, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xshare:auto");
    command.addAll(jvmOptions);
    if (jvmOptions.stream().anyMatch(o -> o.startsWith(HOOK_PROPERTIES))) {
      command.add("-cp");
      command.add(jar() + File.pathSeparator + testClasses());
      command.add(TEST_MAIN);
    } else {
      command.add("-jar");
      command.add(jar().toString());
    }
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /**
   * Runs the tool to the end.
   *
   * @return the exit code and the output
   */
  public static ExternalTools.Result run(List<String> jvmOptions, String... args)
      throws IOException {
    Path log = Files.createTempFile("vmdk-delta-it", ".log");
    try {
      Process p = start(jvmOptions, log, args);
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("vmdk-delta did not finish in 2 minutes");
      }
      return new ExternalTools.Result(
          List.of(args), p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
