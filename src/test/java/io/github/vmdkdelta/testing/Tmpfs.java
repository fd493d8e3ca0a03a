package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A small real file system for disk-full tests: a tmpfs mounted by the test (needs root). */
public final class Tmpfs {
  private Tmpfs() {}

  /**
   * Mounts a tmpfs of {@code size} on a new folder {@code root/small}; skips visibly if it cannot.
   */
  public static Path mount(Path root, String size) throws IOException {
    Path mount = Files.createDirectory(root.resolve("small"));
    var r = ExternalTools.run(root, "mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount);
    if (r.exitCode() != 0) {
      String message = "cannot mount a tmpfs here (needs root): " + r.output().strip();
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
    return mount;
  }

  /** Unmounts what {@link #mount} mounted. */
  public static void unmount(Path root, Path mount) throws IOException {
    ExternalTools.run(root, "umount", mount);
  }

  /** Fills {@code file} with about {@code bytes} zeros (in 4 KiB writes). */
  public static void fill(Path file, long bytes) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[4096];
      for (long n = 0; n < bytes; n += buf.length) {
        out.write(buf);
      }
    }
  }
}
