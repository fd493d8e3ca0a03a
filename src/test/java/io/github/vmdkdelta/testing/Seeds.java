package io.github.vmdkdelta.testing;

import java.util.SplittableRandom;

/**
 * Seeds for generated tests: fresh each run and printed, or fixed with {@code -Dvmdkdelta.seed=N}
 * to replay a failure. A seed that once failed becomes a named test.
 */
public final class Seeds {
  /** System property that fixes the seed. */
  public static final String PROPERTY = "vmdkdelta.seed";

  private Seeds() {}

  /** A seed for {@code test}, printed so that a failing run can be replayed. */
  public static long seed(String test) {
    Long fixed = Long.getLong(PROPERTY);
    long seed = fixed != null ? fixed : new SplittableRandom().nextLong();
    System.out.println(test + ": seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }
}
