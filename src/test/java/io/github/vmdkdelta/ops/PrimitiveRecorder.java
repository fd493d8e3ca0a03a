package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.FolderSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Records what an operation does to its folder, primitive by primitive, while it runs for real: a
 * {@link FaultInjector} is called before each primitive of {@link SafeFileOperations} and {@link
 * OpenFile}, so when it is called for primitive k+1 (or {@link #finish} is), primitive k is over,
 * and its effect is the difference between the folder now and the recorder's {@link FolderImage} of
 * it: entries by inode number (so renames and hard links are told from copies) and the bytes of the
 * files the primitive concerns. The action names only say which primitives are forces of a file or
 * of the folder; everything else is seen on disk, so new primitives (a link and unlink for a rename
 * that never replaces, say) are recorded without a change here.
 *
 * <p>{@link #finish} checks that the image with every event applied is the folder byte for byte, so
 * that a change the recorder missed fails the test instead of hiding a crash state.
 */
final class PrimitiveRecorder implements FaultInjector {
  private final Path folder;
  private final FolderImage before;
  private FolderImage image;
  private final Map<Long, Integer> inodeOfFile = new HashMap<>();
  private int nextInode;
  private final List<FolderEvent> events = new ArrayList<>();
  private final List<String> primitives = new ArrayList<>();
  private String pendingAction;
  private Path pendingPath;

  PrimitiveRecorder(Path folder) throws IOException {
    this.folder = folder;
    Map<String, Integer> names = new TreeMap<>();
    Map<Integer, FileContent> inodes = new HashMap<>();
    for (Map.Entry<String, Long> e : scan().entrySet()) {
      Integer inode = inodeOfFile.get(e.getValue());
      if (inode == null) {
        inode = nextInode++;
        inodeOfFile.put(e.getValue(), inode);
        inodes.put(inode, FileContent.of(Files.readAllBytes(folder.resolve(e.getKey()))));
      }
      names.put(e.getKey(), inode);
    }
    this.before = new FolderImage(names, inodes);
    this.image = before;
  }

  @Override
  public void before(String action, Path path) throws IOException {
    settle();
    primitives.add(action + " " + path.getFileName());
    pendingAction = action;
    pendingPath = path;
  }

  /** Records the last primitive and checks the recording against the folder. */
  void finish() throws IOException {
    settle();
    assertThat(image.entries())
        .as("the recorder's image of %s after the operation (a change it did not see?)", folder)
        .isEqualTo(FolderSnapshot.of(folder).entries());
  }

  FolderImage before() {
    return before;
  }

  /** The folder as the operation left it. */
  FolderImage after() {
    return image;
  }

  List<FolderEvent> events() {
    return List.copyOf(events);
  }

  /** "action file" of each primitive, in order: primitive k is at k - 1. */
  List<String> primitives() {
    return List.copyOf(primitives);
  }

  private void settle() throws IOException {
    if (pendingAction == null) {
      return;
    }
    int k = primitives.size();
    Map<String, Integer> oldNames = image.names();
    Set<Integer> alive = new HashSet<>(oldNames.values());
    Map<String, Integer> newNames = new TreeMap<>();
    Set<Integer> created = new LinkedHashSet<>();
    for (Map.Entry<String, Long> e : scan().entrySet()) {
      Integer inode = inodeOfFile.get(e.getValue());
      if (inode == null || !(alive.contains(inode) || created.contains(inode))) {
        // A new file (or an inode number the file system reused after a delete).
        inode = nextInode++;
        inodeOfFile.put(e.getValue(), inode);
        created.add(inode);
      }
      newNames.put(e.getKey(), inode);
    }
    List<FolderEvent> found = new ArrayList<>(entryChanges(k, oldNames, newNames, created));

    if (!isFolder(pendingPath)) {
      Set<Integer> touched = new LinkedHashSet<>();
      String name = pendingPath.getFileName().toString();
      if (oldNames.containsKey(name)) {
        touched.add(oldNames.get(name));
      }
      if (newNames.containsKey(name)) {
        touched.add(newNames.get(name));
      }
      touched.addAll(created);
      for (int inode : touched) {
        String current = nameOf(newNames, inode);
        if (current != null) {
          found.addAll(
              dataChanges(
                  k,
                  pendingAction,
                  inode,
                  image.content(inode),
                  Files.readAllBytes(folder.resolve(current))));
        }
      }
      if (pendingAction.equals("force")) {
        Integer inode = newNames.getOrDefault(name, oldNames.get(name));
        if (inode != null) {
          found.add(new FolderEvent.Force(k, inode));
        }
      }
    } else if (pendingAction.equals("sync-folder") || pendingAction.equals("force")) {
      found.add(new FolderEvent.SyncFolder(k));
    }
    image = image.apply(found);
    events.addAll(found);
    assertThat(image.names()).as("entries after primitive %d", k).isEqualTo(newNames);
    pendingAction = null;
  }

  private boolean isFolder(Path path) {
    return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
        || path.toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize());
  }

  /**
   * Entry changes in the order a single primitive would make them: new files, renames (a name gone
   * and another for the same inode), hard links, removals.
   */
  private static List<FolderEvent> entryChanges(
      int k, Map<String, Integer> oldNames, Map<String, Integer> newNames, Set<Integer> created) {
    List<Map.Entry<String, Integer>> removed = new ArrayList<>();
    oldNames.forEach(
        (n, inode) -> {
          if (!inode.equals(newNames.get(n))) {
            removed.add(Map.entry(n, inode));
          }
        });
    List<FolderEvent> creations = new ArrayList<>();
    List<FolderEvent> renames = new ArrayList<>();
    List<FolderEvent> links = new ArrayList<>();
    Set<String> renamedFrom = new HashSet<>();
    newNames.forEach(
        (n, inode) -> {
          if (inode.equals(oldNames.get(n))) {
            return;
          }
          if (created.contains(inode)) {
            creations.add(new FolderEvent.Link(k, n, inode, true));
            return;
          }
          for (Map.Entry<String, Integer> r : removed) {
            if (r.getValue().equals(inode) && renamedFrom.add(r.getKey())) {
              renames.add(new FolderEvent.Rename(k, r.getKey(), n, inode));
              return;
            }
          }
          links.add(new FolderEvent.Link(k, n, inode, false));
        });
    List<FolderEvent> out = new ArrayList<>(creations);
    out.addAll(renames);
    out.addAll(links);
    for (Map.Entry<String, Integer> r : removed) {
      if (!renamedFrom.contains(r.getKey()) && !newNames.containsKey(r.getKey())) {
        out.add(new FolderEvent.Unlink(k, r.getKey(), r.getValue()));
      }
    }
    return out;
  }

  /**
   * The writes and length changes that make {@code old} into {@code now}. Bytes that differ become
   * one write; a file that grew did so by that write (to its new end), unless the primitive was a
   * set-length, which only moves the end.
   */
  static List<FolderEvent> dataChanges(
      int k, String action, int inode, FileContent old, byte[] now) {
    long oldLength = old.length();
    long newLength = now.length;
    boolean lengthOnly = action.equals("set-length");
    List<FolderEvent> out = new ArrayList<>();
    if (newLength < oldLength) {
      out.add(new FolderEvent.SetLength(k, inode, newLength));
    }
    int[] range = mismatch(old.read(0, newLength), now);
    if (newLength > oldLength && !lengthOnly) {
      int from = range == null ? (int) oldLength : range[0];
      out.add(
          new FolderEvent.Write(k, inode, from, Arrays.copyOfRange(now, from, (int) newLength)));
      return out;
    }
    if (range != null) {
      out.add(
          new FolderEvent.Write(k, inode, range[0], Arrays.copyOfRange(now, range[0], range[1])));
    }
    if (newLength > oldLength) {
      out.add(new FolderEvent.SetLength(k, inode, newLength));
    }
    return out;
  }

  /** {first, last + 1} of the bytes that differ, or null; {@code a} is as long as {@code b}. */
  private static int[] mismatch(byte[] a, byte[] b) {
    int first = Arrays.mismatch(a, b);
    if (first < 0) {
      return null;
    }
    int last = b.length - 1;
    while (a[last] == b[last]) {
      last--;
    }
    return new int[] {first, last + 1};
  }

  private static String nameOf(Map<String, Integer> names, int inode) {
    for (Map.Entry<String, Integer> e : names.entrySet()) {
      if (e.getValue() == inode) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The folder's entries and the inode number of each. */
  private Map<String, Long> scan() throws IOException {
    Map<String, Long> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Object ino = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        found.put(p.getFileName().toString(), ((Number) ino).longValue());
      }
    }
    return found;
  }
}
