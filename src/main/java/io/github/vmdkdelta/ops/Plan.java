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
    steps = linked(steps);
    cleanup = List.copyOf(cleanup);
    if (steps.stream().anyMatch(s -> s instanceof FileStep.Delete)) {
      throw new IllegalArgumentException("a delete is not reversible: put it in cleanup");
    }
  }

  /**
   * The steps, each told what recovery needs to know of the others: a rename of a file an earlier
   * step created gets that file's fingerprint, a rewrite the names its file had before.
   */
  private static List<FileStep> linked(List<FileStep> steps) {
    List<FileStep> linked = new ArrayList<>();
    PlanNames names = new PlanNames();
    for (FileStep step : steps) {
      FileStep told = step;
      if (step instanceof FileStep.Rename r && r.created() == null) {
        told =
            names
                .creatorOf(r.from())
                .<FileStep>map(c -> new FileStep.Rename(r.from(), r.to(), c.fingerprint()))
                .orElse(r);
      } else if (step instanceof FileStep.Rewrite w && w.formerNames().isEmpty()) {
        told = new FileStep.Rewrite(w.path(), w.change(), w.what(), names.formerNames(w.path()));
      }
      linked.add(told);
      names.pass(step);
    }
    return List.copyOf(linked);
  }

  /** One line per step, for {@code --dry-run}. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    steps.forEach(s -> lines.add(s.describe()));
    cleanup.forEach(s -> lines.add(s.describe()));
    return lines;
  }
}
