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
  private final String what;
  private final String problem;

  protected VmdkException(Path file, String what, String problem) {
    super(format(file, what, problem));
    this.file = file;
    this.what = what;
    this.problem = problem;
  }

  protected VmdkException(Path file, String what, String problem, Throwable cause) {
    super(format(file, what, problem), cause);
    this.file = file;
    this.what = what;
    this.problem = problem;
  }

  /** The file the problem is in, or {@code null} when it concerns no single file. */
  public Path file() {
    return file;
  }

  /** The part of the file concerned ({@code header}, {@code descriptor}, ...); may be empty. */
  public String what() {
    return what == null ? "" : what;
  }

  /** The problem alone, without the file and part that {@link #getMessage()} starts with. */
  public String problem() {
    return problem;
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
