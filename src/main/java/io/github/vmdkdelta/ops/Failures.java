package io.github.vmdkdelta.ops;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Says why a file operation failed, and what the user can do about it, for the messages of a failed
 * rollback or recovery: {@link AccessDeniedException#getMessage()} alone is only the file's name.
 */
final class Failures {
  private Failures() {}

  /** The reason the Linux kernel gives for EPERM, which chattr +i and +a cause. */
  private static final String NOT_PERMITTED = "Operation not permitted";

  /** {@code <file>: <reason>}, with a reason even where the exception carries none. */
  static String describe(Throwable e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String reason = f.getReason();
      if (reason == null) {
        reason =
            e instanceof AccessDeniedException
                ? "permission denied"
                : e instanceof NoSuchFileException
                    ? "no such file"
                    : e instanceof FileAlreadyExistsException ? "already exists" : "I/O error";
      }
      return f.getFile() + ": " + reason;
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /** True when the failure is the kernel refusing a change to an immutable or append-only file. */
  static boolean notPermitted(Throwable e) {
    return e instanceof FileSystemException f
        && !(e instanceof AccessDeniedException)
        && f.getReason() != null
        && f.getReason().equalsIgnoreCase(NOT_PERMITTED);
  }

  /** What to do about {@code e} before trying again. */
  static String advice(Throwable e) {
    String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
    if (e instanceof AccessDeniedException && file != null) {
      return "make " + file + " writable for you (chmod u+w, or run as its owner)";
    }
    if (notPermitted(e) && file != null) {
      return file
          + " is probably immutable or append-only (lsattr shows i or a): clear that (chattr -i -a,"
          + " as root)";
    }
    return "fix the cause";
  }
}
