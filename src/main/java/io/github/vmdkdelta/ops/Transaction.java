package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs a {@link Plan}: its steps in order and, if one fails, the inverse of every step done, in
 * reverse, so that the folder is as it was; then the clean-up, whose failures are only reported.
 */
final class Transaction {
  private final SafeFileOperations ops;

  Transaction(SafeFileOperations ops) {
    this.ops = ops;
  }

  /**
   * Runs the plan.
   *
   * @return warnings from the clean-up (files that could not be removed)
   * @throws IOException the first failure, after rolling back; a {@link RollbackFailedException}
   *     when the rollback itself failed
   */
  List<String> run(Plan plan) throws IOException {
    Deque<FileStep> done = new ArrayDeque<>();
    for (FileStep step : plan.steps()) {
      try {
        step.apply(ops);
      } catch (IOException | RuntimeException e) {
        rollBack(done, e);
        throw e;
      }
      done.push(step);
    }
    List<String> warnings = new ArrayList<>();
    for (FileStep step : plan.cleanup()) {
      try {
        step.apply(ops);
      } catch (IOException e) {
        warnings.add("could not " + step.describe() + ": " + e.getMessage());
      }
    }
    return warnings;
  }

  private void rollBack(Deque<FileStep> done, Exception cause) throws RollbackFailedException {
    SafeFileOperations undo = ops.withoutFaults();
    List<String> failed = new ArrayList<>();
    while (!done.isEmpty()) {
      FileStep step = done.pop();
      try {
        step.undo(undo);
      } catch (IOException | RuntimeException e) {
        failed.add(step.describe());
        cause.addSuppressed(e);
      }
    }
    if (!failed.isEmpty()) {
      throw new RollbackFailedException(cause, failed);
    }
  }
}
