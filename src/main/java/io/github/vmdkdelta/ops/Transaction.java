package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
  List<Warning> run(Journal journal, Plan plan) throws IOException {
    try {
      journal.writePlan(plan);
    } catch (IOException | RuntimeException e) {
      // No step has started: the journal only has to go.
      journal.remove();
      throw e;
    }
    List<FileStep> steps = plan.steps();
    for (int i = 0; i < steps.size(); i++) {
      try {
        steps.get(i).apply(ops);
      } catch (IOException | RuntimeException e) {
        // A creation that failed removed what it made; a file under its name is someone else's.
        rollBack(journal, steps, steps.get(i) instanceof FileStep.CreateFile ? i - 1 : i, i, e);
        throw e;
      }
      try {
        journal.markDone(i);
      } catch (IOException | RuntimeException e) {
        rollBack(journal, steps, i, i + 1, e);
        throw e;
      }
    }
    try {
      journal.markCommitted();
    } catch (IOException | RuntimeException e) {
      rollBack(journal, steps, steps.size() - 1, steps.size(), e);
      throw e;
    }
    // Past the commit point the operation has happened: failures are only warnings, and a journal
    // left behind is completed (a no-op) by the next run.
    List<Warning> warnings = new ArrayList<>();
    Path journalFile = journal.folder().resolve(Journal.NAME);
    for (FileStep step : plan.cleanup()) {
      try {
        step.apply(ops);
      } catch (IOException | RuntimeException e) {
        Path file = step instanceof FileStep.Delete d ? d.path() : journal.folder();
        warnings.add(new Warning.CleanupFailed(file, step.describe(), e.getMessage()));
      }
    }
    if (!warnings.isEmpty()) {
      warnings.add(new Warning.JournalKept(journalFile));
      return warnings;
    }
    try {
      journal.remove();
    } catch (IOException | RuntimeException e) {
      warnings.add(new Warning.JournalNotRemoved(journalFile, e.getMessage()));
    }
    return warnings;
  }

  /**
   * Undoes steps {@code upTo} down to 0, recording each in the journal. Step {@code upTo} may have
   * failed part-way or succeeded before its mark; undo is decided by what is on disk, and a step
   * whose effect is absent is left alone.
   */
  static void undo(
      SafeFileOperations ops,
      Journal journal,
      List<FileStep> steps,
      int upTo,
      java.util.Set<Integer> alreadyUndone)
      throws IOException {
    undo(ops, journal, steps, upTo, alreadyUndone, -1);
  }

  /** {@link #undo}, knowing that steps up to {@code lastDone} were done. */
  private static void undo(
      SafeFileOperations ops,
      Journal journal,
      List<FileStep> steps,
      int upTo,
      java.util.Set<Integer> alreadyUndone,
      int lastDone)
      throws IOException {
    for (int i = upTo; i >= 0; i--) {
      if (!alreadyUndone.contains(i)) {
        if (i <= lastDone) {
          steps.get(i).undoDone(ops);
        } else {
          steps.get(i).undo(ops);
        }
        journal.markUndone(i);
      }
    }
  }

  /**
   * Undoes steps {@code upTo} down to 0 (those before {@code done} known done) and removes the
   * journal, or keeps it for recovery.
   */
  private void rollBack(Journal journal, List<FileStep> steps, int upTo, int done, Exception cause)
      throws RollbackFailedException {
    SafeFileOperations undo = ops.withoutFaults();
    try {
      undo(undo, journal.withOperations(undo), steps, upTo, java.util.Set.of(), done - 1);
      journal.withOperations(undo).remove();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      throw new RollbackFailedException(cause, e, journal.folder());
    }
  }

  /**
   * Runs an operation on {@code disk}: recovers an interrupted earlier one, plans (refusing before
   * the journal exists), takes the journal and plans again under its lock (so that no other
   * vmdk-delta changes the folder between checks and changes), and runs the plan. Both plannings
   * share one {@link MetadataCheck}: the second scans only the grain tables of files that changed.
   */
  static <P extends PlannedOperation> Outcome<P> execute(
      SafeFileOperations ops, Path disk, String operation, Planner<P> planner) throws IOException {
    List<Warning> notes = new ArrayList<>();
    new Recovery(ops)
        .recoverIfNeeded(disk)
        .ifPresent(r -> notes.add(new Warning.RecoveredFirst(r)));
    MetadataCheck metadata = new MetadataCheck();
    planner.plan(disk, metadata);
    try (Journal journal = Journal.begin(ops, disk, operation)) {
      P planned;
      try {
        planned = planner.plan(disk, metadata);
        WritableCheck.require(ops, planned.plan());
      } catch (IOException | RuntimeException e) {
        journal.remove();
        throw e;
      }
      notes.addAll(new Transaction(ops).run(journal, planned.plan()));
      List<Warning> warnings = new ArrayList<>(planned.warnings());
      warnings.addAll(notes);
      return new Outcome<>(planned, warnings);
    }
  }

  /** How an operation plans. */
  @FunctionalInterface
  interface Planner<P extends PlannedOperation> {
    P plan(Path disk, MetadataCheck metadata) throws IOException;
  }

  /**
   * The plan that ran and what the user should know: recovery, the plan's warnings, clean-up.
   *
   * @param warnings the plan's, then recovery's, then the clean-up's
   */
  record Outcome<P>(P planned, List<Warning> warnings) {}
}
