package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * VMware's hosted lock: a folder (or, from older products, a plain file) named {@code <file>.lck}
 * beside a disk that a running VM holds. Its presence means the disk must not be touched.
 */
public final class VmwareLock {
  private VmwareLock() {}

  /** The lock path of a file: {@code <file>.lck}. */
  public static Path lockPathOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".lck");
  }

  /**
   * Refuses when {@code file} carries a VMware lock.
   *
   * @throws DiskInUseException when {@code <file>.lck} exists
   */
  public static void requireUnlocked(Path file) throws DiskInUseException {
    Path lock = lockPathOf(file);
    if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
      throw new DiskInUseException(
          file,
          "lock",
          "disk is in use by VMware ("
              + lock.getFileName()
              + " exists); power off the VM, or if no VM is running remove the stale lock"
              + " folder yourself");
    }
  }
}
