package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Path;

/** An operation failed and undoing it failed too: the journal stays for {@link Recovery}. */
public final class RollbackFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  RollbackFailedException(Exception cause, Exception undoFailure) {
    this(cause, undoFailure, null);
  }

  /**
   * @param folder the folder of the journal, for the command the user runs next (null: unknown)
   */
  RollbackFailedException(Exception cause, Exception undoFailure, Path folder) {
    super(
        Failures.describe(cause)
            + "; undoing it failed too ("
            + Failures.describe(undoFailure)
            + "): the journal is kept; "
            + Failures.advice(undoFailure)
            + ", then run 'vmdk-delta recover "
            + (folder == null ? "FOLDER" : folder)
            + "' (until then every command in the folder tries the undo again)",
        cause);
  }
}
