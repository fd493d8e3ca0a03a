package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file changed under us: it has another size than when it was checked, or it ended while being
 * read where its checked metadata said there were bytes. Someone else is writing it; whatever was
 * checked no longer holds, so the operation stops. An I/O error for the command line (exit code 6,
 * as for any {@link java.io.IOException} that is not about the image's contents).
 */
public final class FileChangedException extends VmdkException {
  private static final long serialVersionUID = 1L;

  private FileChangedException(Path file, String problem) {
    super(file, "", problem);
  }

  /**
   * Refuses {@code file} when its size is not the one it had when checked.
   *
   * @throws FileChangedException when {@code size != checkedSize}
   */
  public static void requireSize(Path file, long size, long checkedSize)
      throws FileChangedException {
    if (size != checkedSize) {
      throw new FileChangedException(
          file,
          "file changed size since it was checked ("
              + size
              + " bytes, was "
              + checkedSize
              + "); nothing was changed");
    }
  }

  /**
   * Refuses {@code file} when its size now is not the one it had when checked.
   *
   * @throws FileChangedException when it is not
   */
  public static void requireSize(Path file, long checkedSize) throws IOException {
    requireSize(file, Files.size(file), checkedSize);
  }

  /** {@code file} ended before bytes its metadata, checked when opened, says it has. */
  public static FileChangedException shrank(Path file) {
    return new FileChangedException(file, "file shrank while it was being read");
  }
}
