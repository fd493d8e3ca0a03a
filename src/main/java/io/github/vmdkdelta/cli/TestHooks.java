package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.FaultInjector;
import io.github.vmdkdelta.ops.SafeFileOperations;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hooks for the tests that run vmdk-delta as a real process: with {@code
 * -Dvmdk-delta.test.haltAtIo=K} the JVM halts (as if killed) just before its K-th file change; with
 * {@code -Dvmdk-delta.test.pauseAtIo=K} it sleeps there for {@code vmdk-delta.test.pauseMillis}
 * (default 3000), so that another process can run meanwhile. Without these properties the file
 * layer has no hook at all.
 */
final class TestHooks {
  /** Exit status of a halt, so that tests tell it from a normal exit. */
  static final int HALT_STATUS = 99;

  private TestHooks() {}

  static SafeFileOperations fileOperations() {
    Integer haltAt = Integer.getInteger("vmdk-delta.test.haltAtIo");
    Integer pauseAt = Integer.getInteger("vmdk-delta.test.pauseAtIo");
    String pauseBefore = System.getProperty("vmdk-delta.test.pauseBefore");
    if (haltAt == null && pauseAt == null && pauseBefore == null) {
      return new SafeFileOperations();
    }
    if (pauseBefore != null) {
      return new SafeFileOperations(pauseBefore(pauseBefore));
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
    return new SafeFileOperations(hook);
  }

  /**
   * With {@code -Dvmdk-delta.test.pauseBefore=ACTION:NAME} the process stops before its first
   * ACTION (write, rename, ...) on a file named NAME, says so on stderr ({@code vmdk-delta.test:
   * paused ...}), and goes on once the file named by {@code vmdk-delta.test.resumeWhen} exists (two
   * minutes at most): a latch for tests that act while an operation is under way.
   */
  private static FaultInjector pauseBefore(String spec) {
    int colon = spec.indexOf(':');
    String action = spec.substring(0, colon);
    String name = spec.substring(colon + 1);
    String resume = System.getProperty("vmdk-delta.test.resumeWhen");
    java.util.concurrent.atomic.AtomicBoolean paused =
        new java.util.concurrent.atomic.AtomicBoolean();
    return (a, path) -> {
      if (a.equals(action)
          && path.getFileName().toString().equals(name)
          && paused.compareAndSet(false, true)) {
        System.err.println("vmdk-delta.test: paused before " + a + " " + path);
        System.err.flush();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
        while ((resume == null || !java.nio.file.Files.exists(java.nio.file.Path.of(resume)))
            && System.nanoTime() < deadline) {
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
