package io.github.vmdkdelta.ops;

import java.io.IOException;

/** An operation failed and undoing it failed too: the journal stays for {@link Recovery}. */
public final class RollbackFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  RollbackFailedException(Exception cause, Exception undoFailure) {
    super(
        cause.getMessage()
            + "; undoing it failed too ("
            + undoFailure.getMessage()
            + "): the journal is kept, run 'vmdk-delta recover' on the folder",
        cause);
  }
}
