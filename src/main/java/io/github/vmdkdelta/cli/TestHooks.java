package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.FaultInjector;
import io.github.vmdkdelta.ops.SafeFileOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hooks for the tests that run vmdk-delta as a real process: with {@code
 * -Dvmdk-delta.test.haltAtIo=K} the JVM halts (as if killed) just before its K-th file change; with
 * {@code -Dvmdk-delta.test.pauseAtIo=K} it sleeps there for {@code vmdk-delta.test.pauseMillis}
 * (default 3000), so that another process can run meanwhile. With {@code
 * -Dvmdk-delta.test.pauseUntil=FILE} as well, the pause is a latch instead of a guess: it creates
 * {@code FILE.paused} and waits until {@code FILE} exists (at most {@code pauseMillis}, then 120000
 * by default, so that a broken test cannot leave a process behind). Without these properties the
 * file layer has no hook at all.
 */
final class TestHooks {
  /** Exit status of a halt, so that tests tell it from a normal exit. */
  static final int HALT_STATUS = 99;

  private TestHooks() {}

  static SafeFileOperations fileOperations() {
    Integer haltAt = Integer.getInteger("vmdk-delta.test.haltAtIo");
    Integer pauseAt = Integer.getInteger("vmdk-delta.test.pauseAtIo");
    if (haltAt == null && pauseAt == null) {
      return new SafeFileOperations();
    }
    String pauseUntil = System.getProperty("vmdk-delta.test.pauseUntil");
    long pauseMillis =
        Long.getLong("vmdk-delta.test.pauseMillis", pauseUntil == null ? 3000 : 120000);
    AtomicInteger count = new AtomicInteger();
    FaultInjector hook =
        (action, path) -> {
          int k = count.incrementAndGet();
          if (haltAt != null && k == haltAt) {
            Runtime.getRuntime().halt(HALT_STATUS);
          }
          if (pauseAt != null && k == pauseAt) {
            try {
              if (pauseUntil == null) {
                Thread.sleep(pauseMillis);
              } else {
                awaitRelease(Path.of(pauseUntil), pauseMillis);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    return new SafeFileOperations(hook);
  }

  /** Says it has paused, then waits for {@code release} to appear, at most {@code maxMillis}. */
  private static void awaitRelease(Path release, long maxMillis)
      throws IOException, InterruptedException {
    Files.createFile(release.resolveSibling(release.getFileName() + ".paused"));
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    while (!Files.exists(release) && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
  }
}
