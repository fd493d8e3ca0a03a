package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs a {@link Plan} under a {@link Journal}: the plan is written to the journal first, then the
 * steps in order. If a step fails, every step done is undone in reverse, so that the folder is as
 * it was; if the process dies, {@link Recovery} does the same from the journal. Once every step is
 * done the journal is marked committed and the clean-up runs, whose failures are only reported.
 */
final class Transaction {
  private final SafeFileOperations ops;

  Transaction(SafeFileOperations ops) {
    this.ops = ops;
  }

  /**
   * Runs the plan for an operation on {@code disk}.
   *
   * @return warnings from the clean-up (files that could not be removed)
   * @throws IOException the first failure, after rolling back; a {@link RollbackFailedException}
   *     when the rollback itself failed (the journal is then kept for {@link Recovery})
   */
  List<String> run(Journal journal, Plan plan) throws IOException {
    journal.writePlan(plan);
    Deque<FileStep> done = new ArrayDeque<>();
    for (FileStep step : plan.steps()) {
      try {
        step.apply(ops);
      } catch (IOException | RuntimeException e) {
        rollBack(done, e);
        journal.remove();
        throw e;
      }
      done.push(step);
    }
    journal.markCommitted();
    List<String> warnings = new ArrayList<>();
    for (FileStep step : plan.cleanup()) {
      try {
        step.apply(ops);
      } catch (IOException e) {
        warnings.add("warning: could not " + step.describe() + ": " + e.getMessage());
      }
    }
    journal.remove();
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

  /**
   * Runs an operation on {@code disk}: recovers an interrupted earlier one, takes the journal,
   * plans (under the journal's lock, so that no other vmdk-delta changes the folder between checks
   * and changes), and runs the plan.
   */
  static <P extends Planned> Outcome<P> execute(
      SafeFileOperations ops, Path disk, String operation, Planner<P> planner) throws IOException {
    List<String> notes = new ArrayList<>();
    new Recovery(ops).recoverIfNeeded(disk).ifPresent(r -> notes.add(r.describe()));
    try (Journal journal = Journal.begin(ops, disk, operation)) {
      P planned;
      try {
        planned = planner.plan(disk);
      } catch (IOException | RuntimeException e) {
        journal.remove();
        throw e;
      }
      notes.addAll(new Transaction(ops).run(journal, planned.plan()));
      return new Outcome<>(planned, notes);
    }
  }

  /** An operation's checked plan. */
  interface Planned {
    Plan plan();
  }

  /** How an operation plans. */
  @FunctionalInterface
  interface Planner<P extends Planned> {
    P plan(Path disk) throws IOException;
  }

  /** The plan that ran and the notes for the user (recovery, clean-up warnings). */
  record Outcome<P>(P planned, List<String> notes) {}
}
