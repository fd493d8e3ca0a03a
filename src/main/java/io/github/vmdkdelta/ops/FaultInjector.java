package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called by {@link SafeFileOperations} before every primitive that changes a file or folder, so
 * that tests can make any one of them fail.
 */
@FunctionalInterface
public interface FaultInjector {
  /** Injects nothing. */
  FaultInjector NONE = (action, path) -> {};

  /**
   * Throws to make the coming primitive fail.
   *
   * @param action what is about to happen: create, write, set-length, force, rewrite, rename,
   *     delete, sync-folder
   * @param path the file or folder it concerns
   */
  void before(String action, Path path) throws IOException;
}
