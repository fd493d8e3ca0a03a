package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a rename that never replaces a file can be done atomically in a folder: with a hard link
 * (POSIX), with {@code Files.move} itself (the Windows provider), or only with a check then a move
 * (file systems without hard links: FAT, exFAT). Learned from what fails, once per file store.
 */
final class RenameCapability {
  private final Map<FileStore, Boolean> withoutLinks = new ConcurrentHashMap<>();

  /**
   * Whether {@code Files.move} without REPLACE_EXISTING refuses an existing target atomically: the
   * Windows provider's (MoveFileEx without MOVEFILE_REPLACE_EXISTING). The POSIX provider's, whose
   * file systems have the {@code unix} attribute view, checks and then calls {@code rename(2)},
   * which replaces.
   */
  static boolean moveRefusesAtomically(Path folder) {
    var views = folder.getFileSystem().supportedFileAttributeViews();
    return views.contains("dos") && !views.contains("unix") && !views.contains("posix");
  }

  /** False once a link in the file store of {@code folder} failed for want of hard links. */
  boolean hasHardLinks(Path folder) {
    FileStore store = storeOf(folder);
    return store == null || !withoutLinks.containsKey(store);
  }

  /**
   * Whether a failed {@code link} says the file system has no hard links (FAT and exFAT answer
   * EPERM, some others ENOTSUP); remembered for the folder's file store.
   */
  boolean noHardLinks(Path folder, Exception e) {
    boolean none =
        e instanceof UnsupportedOperationException
            || (e instanceof FileSystemException f
                && f.getReason() != null
                && (f.getReason().contains("Operation not permitted")
                    || f.getReason().contains("not supported")));
    if (none) {
      FileStore store = storeOf(folder);
      if (store != null) {
        withoutLinks.put(store, true);
      }
    }
    return none;
  }

  private static FileStore storeOf(Path folder) {
    try {
      return Files.getFileStore(folder);
    } catch (IOException e) {
      return null;
    }
  }
}
