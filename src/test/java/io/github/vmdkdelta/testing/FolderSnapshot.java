package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The names and SHA-256 digests of everything in a folder (recursively, hidden files included;
 * folders are recorded as {@code <dir>}), to prove an operation left it byte-for-byte unchanged.
 *
 * <pre>{@code
 * FolderSnapshot before = FolderSnapshot.of(dir);
 * ... run something that must refuse ...
 * before.assertUnchanged();
 * }</pre>
 */
public record FolderSnapshot(Path folder, Map<String, String> entries) {
  public FolderSnapshot {
    entries = Map.copyOf(entries);
  }

  /** Records {@code folder} now. */
  public static FolderSnapshot of(Path folder) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (p.equals(folder)) {
          continue;
        }
        String name = folder.relativize(p).toString().replace('\\', '/');
        entries.put(name, Files.isDirectory(p) ? "<dir>" : sha256(p));
      }
    }
    return new FolderSnapshot(folder, entries);
  }

  /** Fails, listing the differences, unless the folder is as recorded. */
  public void assertUnchanged() {
    FolderSnapshot now;
    try {
      now = of(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(new TreeMap<>(now.entries))
        .as("names and SHA-256 of every file in %s", folder)
        .isEqualTo(new TreeMap<>(entries));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
