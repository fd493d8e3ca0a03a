package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Before the first change of a plan: every existing file the plan changes must let itself be
 * changed. A file written in place (rewritten, merged into, cut back by undo) must open for
 * writing; a file renamed or deleted must not be immutable or append-only ({@code chattr +i/+a},
 * which refuse even root). Otherwise a step fails half-way, and its undo, which writes the same
 * file, fails too: the journal would then stay, and every later command fail, until the user
 * changes the file. Refusing first leaves nothing behind.
 */
final class WritableCheck {
  private WritableCheck() {}

  /**
   * @throws FileSystemException naming the first file that cannot be changed, and why
   */
  static void require(SafeFileOperations ops, Plan plan) throws IOException {
    // A file written in place needs write access; one only renamed or deleted, the folder's.
    PlanFiles files = PlanFiles.of(plan);
    Map<Path, String> written = files.written();
    for (Map.Entry<Path, String> e : written.entrySet()) {
      check(ops, e.getKey(), e.getValue(), true);
    }
    for (Map.Entry<Path, String> e : files.moved().entrySet()) {
      if (!written.containsKey(e.getKey())) {
        check(ops, e.getKey(), e.getValue(), false);
      }
    }
  }

  private static void check(SafeFileOperations ops, Path file, String why, boolean writesInPlace)
      throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return; // made by an earlier step of the plan
    }
    try {
      ops.probeWritable(file);
    } catch (NoSuchFileException e) {
      // Gone since it was planned: the step itself fails, before changing anything.
    } catch (AccessDeniedException e) {
      if (writesInPlace) {
        throw refusal(
            file,
            true,
            why,
            "permission denied; make it writable for you (chmod u+w, or run as its owner) and"
                + " run again");
      }
    } catch (FileSystemException e) {
      if (Failures.notPermitted(e)) {
        throw refusal(
            file,
            writesInPlace,
            why,
            "operation not permitted: the file is probably immutable or append-only (lsattr shows"
                + " i or a); clear that (chattr -i -a, as root) and run again");
      }
      if (writesInPlace) {
        throw refusal(file, true, why, e.getReason() != null ? e.getReason() : "I/O error");
      }
    }
  }

  private static FileSystemException refusal(
      Path file, boolean writesInPlace, String why, String problem) {
    return new FileSystemException(
        file.toString(),
        null,
        (writesInPlace ? "cannot be opened for writing (" : "cannot be changed (")
            + why
            + "): "
            + problem
            + "; nothing was changed");
  }
}
