package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A problem with a disk image or a chain of them. The message follows one style, {@code <file>:
 * <what>: <problem> (<value>, <expected>)}, so that the command line can print it as one line. Each
 * subclass maps to one exit code of the command line.
 */
public abstract class VmdkException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  protected VmdkException(Path file, String what, String problem) {
    super(format(file, what, problem));
    this.file = file;
  }

  protected VmdkException(Path file, String what, String problem, Throwable cause) {
    super(format(file, what, problem), cause);
    this.file = file;
  }

  /** The file the problem is in, or {@code null} when it concerns no single file. */
  public Path file() {
    return file;
  }

  private static String format(Path file, String what, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (what != null && !what.isEmpty()) {
      sb.append(what).append(": ");
    }
    return sb.append(problem).toString();
  }
}
