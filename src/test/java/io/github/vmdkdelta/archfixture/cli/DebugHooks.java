package io.github.vmdkdelta.archfixture.cli;

/** A test switch in the main code, as cli.TestHooks was: a property read as a number, a sleep. */
public class DebugHooks {
  /** Sleeps when asked by system property. */
  public static void pauseIfAsked() throws InterruptedException {
    Integer at = Integer.getInteger("fixture.test.pauseAt");
    if (at != null) {
      Thread.sleep(Long.getLong("fixture.test.pauseMillis", 3000));
    }
  }
}
