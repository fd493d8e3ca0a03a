package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.util.List;

/** An operation failed and undoing it failed too: the message names the steps left done. */
public final class RollbackFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  RollbackFailedException(Exception cause, List<String> notUndone) {
    super(
        cause.getMessage()
            + "; undoing it failed too, these steps are still done: "
            + String.join("; ", notUndone),
        cause);
  }
}
