package io.github.vmdkdelta.chain;

import java.io.Closeable;
import java.io.IOException;

/** Closes several things, all of them even when some fail; the first failure is thrown. */
final class CloseAll {
  private CloseAll() {}

  static void close(Iterable<? extends Closeable> all) throws IOException {
    IOException first = null;
    for (Closeable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
