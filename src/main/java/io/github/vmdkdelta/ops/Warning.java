package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.CidMismatch;
import io.github.vmdkdelta.chain.VmwareLock;
import java.nio.file.Path;

/**
 * Something an operation went ahead despite, or could not tidy up, and that the user should know:
 * the facts, not their wording (the command line words them, and {@code --json} carries them).
 */
public sealed interface Warning {
  /** The file the warning is about. */
  Path file();

  /**
   * A VMware lock on {@code file} that the user's options allowed to ignore (a stale lock).
   *
   * @param lock the lock and its holders
   */
  record LockIgnored(Path file, VmwareLock lock) implements Warning {}

  /**
   * A delta whose CIDs do not match its parent's, which the operation throws away anyway.
   *
   * @param mismatch the link
   * @param operation the operation: {@code delete} drops the delta, {@code revert} replaces it by a
   *     delta of the parent as it is now
   */
  record CidMismatchDiscarded(CidMismatch mismatch, String operation) implements Warning {
    @Override
    public Path file() {
      return mismatch.child();
    }
  }

  /**
   * An interrupted operation that was recovered before this one ran.
   *
   * @param report what recovery did
   */
  record RecoveredFirst(Recovery.Report report) implements Warning {
    @Override
    public Path file() {
      return report.disk();
    }
  }

  /**
   * A clean-up step after the commit point that failed: the operation happened, a file it put aside
   * is left.
   *
   * @param file the file the step was on
   * @param step the step, as {@code --dry-run} describes it
   * @param reason why it failed
   */
  record CleanupFailed(Path file, String step, String reason) implements Warning {}

  /**
   * The journal, kept because clean-up failed: the next run in the folder finishes it.
   *
   * @param file the journal
   */
  record JournalKept(Path file) implements Warning {}

  /**
   * The journal of a finished operation that could not be removed: the next run removes it.
   *
   * @param file the journal
   * @param reason why it could not
   */
  record JournalNotRemoved(Path file, String reason) implements Warning {}

  /**
   * A line of a VM's {@code .vmx} that VMware would not read either, and that names no disk, so a
   * whole-VM operation went ahead without it.
   *
   * @param file the {@code .vmx}
   * @param line its number
   * @param problem what is wrong with it
   */
  record VmxLineSkipped(Path file, int line, String problem) implements Warning {}
}
