package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A folder in memory: names to inodes, inodes to bytes, so that hard links (two names, one file)
 * are what they are on disk. A crash state is the image before an operation with the kept {@link
 * FolderEvent}s applied; {@link #materialize} makes it real files for recovery to work on.
 */
final class FolderImage {
  private final TreeMap<String, Integer> names;
  private final Map<Integer, FileContent> inodes;

  FolderImage(Map<String, Integer> names, Map<Integer, FileContent> inodes) {
    this.names = new TreeMap<>(names);
    this.inodes = new HashMap<>(inodes);
  }

  FolderImage copy() {
    return new FolderImage(names, inodes);
  }

  Map<String, Integer> names() {
    return names;
  }

  FileContent content(int inode) {
    return inodes.getOrDefault(inode, FileContent.EMPTY);
  }

  /** Applies the events in order. */
  FolderImage apply(List<? extends FolderEvent> events) {
    FolderImage image = copy();
    for (FolderEvent e : events) {
      image.applyInPlace(e);
    }
    return image;
  }

  private void applyInPlace(FolderEvent event) {
    if (event instanceof FolderEvent.Write w) {
      inodes.put(w.inode(), content(w.inode()).write(w.offset(), w.bytes()));
    } else if (event instanceof FolderEvent.SetLength s) {
      inodes.put(s.inode(), content(s.inode()).withLength(s.length()));
    } else if (event instanceof FolderEvent.Link l) {
      names.put(l.name(), l.inode());
    } else if (event instanceof FolderEvent.Unlink u) {
      names.remove(u.name(), u.inode());
    } else if (event instanceof FolderEvent.Rename r) {
      names.remove(r.from(), r.inode());
      names.put(r.to(), r.inode());
    }
  }

  /**
   * Names and SHA-256 of the files, as {@link io.github.vmdkdelta.testing.FolderSnapshot} gives.
   */
  Map<String, String> entries() {
    Map<String, String> entries = new TreeMap<>();
    names.forEach((name, inode) -> entries.put(name, content(inode).sha256()));
    return entries;
  }

  /** Writes the files into the empty folder {@code folder}, hard-linking names of one inode. */
  void materialize(Path folder) throws IOException {
    Map<Integer, Path> written = new HashMap<>();
    for (Map.Entry<String, Integer> e : names.entrySet()) {
      Path file = folder.resolve(e.getKey());
      Path first = written.get(e.getValue());
      if (first != null) {
        Files.createLink(file, first);
      } else {
        content(e.getValue()).writeTo(file);
        written.put(e.getValue(), file);
      }
    }
  }
}
