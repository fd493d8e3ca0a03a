package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Folders of test disks. */
public final class TestFolders {
  private TestFolders() {}

  /** A copy of the files of {@code template} (not recursive) in a new folder {@code root/name}. */
  public static Path copyOf(Path template, Path root, String name) throws IOException {
    Path folder = Files.createDirectories(root.resolve(name));
    try (Stream<Path> files = Files.list(template)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, folder.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return folder;
  }
}
