package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.VmdkException;
import java.nio.file.Path;

/**
 * One thing {@link ChainCheck} found wrong with a disk, its chain or its folder.
 *
 * @param file the file concerned
 * @param what the part of it ({@code grain table}, {@code parentCID}, {@code journal}, ...)
 * @param message the problem, in the style {@code <problem> (<value>, <expected>)}
 * @param severity whether it makes the disk unsound ({@link Severity#ERROR}) or is worth knowing
 */
public record Problem(Path file, String what, String message, Severity severity) {
  /** How bad a problem is. */
  public enum Severity {
    /** The disk or chain is damaged or unusable as it is: {@code check} fails. */
    ERROR,
    /** Readers cope with it, but it is unusual or needs attention; {@code check} still passes. */
    WARNING
  }

  /** An error. */
  static Problem error(Path file, String what, String message) {
    return new Problem(file, what, message, Severity.ERROR);
  }

  /** A warning. */
  static Problem warning(Path file, String what, String message) {
    return new Problem(file, what, message, Severity.WARNING);
  }

  /** The problem an exception describes, as an error. */
  static Problem of(VmdkException e, Path fallbackFile) {
    Path file = e.file() != null ? e.file() : fallbackFile;
    return error(file, e.what(), e.problem());
  }

  /** True for {@link Severity#ERROR}. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** One line, {@code <file>: <what>: <message>}, like the command line's error messages. */
  public String describe() {
    return file + ": " + (what.isEmpty() ? "" : what + ": ") + message;
  }
}
