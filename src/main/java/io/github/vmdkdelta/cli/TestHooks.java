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
    if (haltAt == null && pauseAt == null) {
      return new SafeFileOperations();
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
}
