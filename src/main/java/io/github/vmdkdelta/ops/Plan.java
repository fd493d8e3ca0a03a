package io.github.vmdkdelta.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * The file steps of an operation, known in full before the first one runs. {@code steps} are
 * reversible and are rolled back on failure; {@code cleanup} runs after the last of them (the
 * commit point) and may only remove what the operation itself put aside.
 *
 * @param steps reversible steps, in order
 * @param cleanup irreversible steps after the commit point
 */
public record Plan(List<FileStep> steps, List<FileStep> cleanup) {
  public Plan {
    steps = List.copyOf(steps);
    cleanup = List.copyOf(cleanup);
    if (steps.stream().anyMatch(s -> s instanceof FileStep.Delete)) {
      throw new IllegalArgumentException("a delete is not reversible: put it in cleanup");
    }
  }

  /** One line per step, for {@code --dry-run}. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    steps.forEach(s -> lines.add(s.describe()));
    cleanup.forEach(s -> lines.add(s.describe()));
    return lines;
  }
}
