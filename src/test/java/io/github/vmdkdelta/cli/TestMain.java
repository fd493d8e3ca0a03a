package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.FaultInjector;
import io.github.vmdkdelta.ops.SafeFileOperations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The vmdk-delta process of the tests that run it for real with hooks in its file layer ({@code
 * java -cp vmdk-delta.jar:test-classes io.github.vmdkdelta.cli.TestMain ...}, see {@code
 * testing.ToolProcess}); the shipped jar has no such switch. With {@code
 * -Dvmdk-delta.test.haltAtIo=K} the JVM halts (as if killed) just before its K-th file change; with
 * {@code -Dvmdk-delta.test.pauseAtIo=K} it sleeps there for {@code vmdk-delta.test.pauseMillis}
 * (default 3000), so that another process can run meanwhile; with {@code
 * -Dvmdk-delta.test.pauseBefore=ACTION:NAME} it stops before its first ACTION on a file named NAME
 * until the file {@code vmdk-delta.test.resumeWhen} exists.
 */
public final class TestMain {
  /** Exit status of a halt, so that tests tell it from a normal exit. */
  public static final int HALT_STATUS = 99;

  private TestMain() {}

  /** Runs vmdk-delta with the hooks the system properties ask for. */
  public static void main(String[] args) {
    Supplier<SafeFileOperations> files = fileOperations();
    Main.main(
        new Environment() {
          @Override
          SafeFileOperations fileOperations() {
            return files.get();
          }
        },
        args);
  }

  private static Supplier<SafeFileOperations> fileOperations() {
    Integer haltAt = Integer.getInteger("vmdk-delta.test.haltAtIo");
    Integer pauseAt = Integer.getInteger("vmdk-delta.test.pauseAtIo");
    String pauseBefore = System.getProperty("vmdk-delta.test.pauseBefore");
    if (pauseBefore != null) {
      FaultInjector hook = pauseBefore(pauseBefore);
      return () -> new SafeFileOperations(hook);
    }
    if (haltAt == null && pauseAt == null) {
      return SafeFileOperations::new;
    }
    long pauseMillis = Long.getLong("vmdk-delta.test.pauseMillis", 3000);
    AtomicInteger count = new AtomicInteger();
    FaultInjector hook =
        (action, path) -> {
          int k = count.incrementAndGet();
          if (haltAt != null && k == haltAt) {
            Runtime.getRuntime().halt(HALT_STATUS);
          }
          if (pauseAt != null && k == pauseAt) {
            try {
              Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    return () -> new SafeFileOperations(hook);
  }

  /**
   * Stops before the first ACTION (write, rename, ...) on a file named NAME, says so on stderr
   * ({@code vmdk-delta.test: paused ...}), and goes on once the file named by {@code
   * vmdk-delta.test.resumeWhen} exists (two minutes at most): a latch for tests that act while an
   * operation is under way.
   */
  private static FaultInjector pauseBefore(String spec) {
    int colon = spec.indexOf(':');
    String action = spec.substring(0, colon);
    String name = spec.substring(colon + 1);
    String resume = System.getProperty("vmdk-delta.test.resumeWhen");
    AtomicBoolean paused = new AtomicBoolean();
    return (a, path) -> {
      if (a.equals(action)
          && path.getFileName().toString().equals(name)
          && paused.compareAndSet(false, true)) {
        System.err.println("vmdk-delta.test: paused before " + a + " " + path);
        System.err.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while ((resume == null || !Files.exists(Path.of(resume))) && System.nanoTime() < deadline) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    };
  }
}
