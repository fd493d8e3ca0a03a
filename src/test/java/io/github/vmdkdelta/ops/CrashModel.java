package io.github.vmdkdelta.ops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * What a power cut may keep of the events an operation had issued when it struck. Each model says
 * which of the issued {@link FolderEvent}s reached the device, and in which order; everything it
 * does not name reached it (or was never issued: the events past the crash point).
 *
 * <p>A file's force makes its bytes so far durable; a folder's sync makes its entries so far
 * durable; nothing else is promised (POSIX, and what XFS, btrfs, FAT and network file systems do).
 * The models are the ones of issue 14, each alone, so that a violation names its cause.
 */
enum CrashModel {
  /** Bytes written to a file after its last force lost, newest first. */
  UNFORCED_WRITES_LOST_AS_SUFFIX("file writes lost as a suffix") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      List<List<Integer>> perFile = new ArrayList<>(issued.unforcedDataByInode().values());
      List<CrashState> out = new ArrayList<>();
      for (int[] keep : choices(perFile, random)) {
        Set<Integer> lost = new LinkedHashSet<>();
        for (int f = 0; f < perFile.size(); f++) {
          lost.addAll(perFile.get(f).subList(keep[f], perFile.get(f).size()));
        }
        out.add(issued.without(lost, "lost " + issued.describe(lost)));
      }
      return out;
    }
  },

  /** Entries (creations, renames, removals) after the folder's last sync lost, newest first. */
  UNSYNCED_ENTRIES_LOST_AS_SUFFIX("folder entries lost as a suffix") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      List<Integer> unsynced = issued.unsyncedEntries();
      List<CrashState> out = new ArrayList<>();
      for (int keep = 0; keep <= unsynced.size(); keep++) {
        Set<Integer> lost = new LinkedHashSet<>(unsynced.subList(keep, unsynced.size()));
        out.add(issued.without(lost, "lost " + issued.describe(lost)));
      }
      return out;
    }
  },

  /**
   * A file created after the folder's last sync gone, with every entry for it, even if the file
   * itself was forced: POSIX makes a creation durable only with an fsync of its folder.
   */
  CREATION_NEEDS_FOLDER_SYNC("creation durable only after a folder sync") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      List<Integer> creations = new ArrayList<>();
      for (int i : issued.unsyncedEntries()) {
        if (issued.event(i) instanceof FolderEvent.Link l && l.created()) {
          creations.add(l.inode());
        }
      }
      List<CrashState> out = new ArrayList<>();
      for (List<Integer> gone : subsets(creations, random)) {
        Set<Integer> lost = new LinkedHashSet<>();
        for (int i : issued.unsyncedEntries()) {
          if (gone.contains(((FolderEvent.Entry) issued.event(i)).inode())) {
            lost.add(i);
          }
        }
        out.add(
            issued.without(
                lost, "new files lost: inodes " + gone + ", so lost " + issued.describe(lost)));
      }
      return out;
    }
  },

  /**
   * Any subset of the entries after the folder's last sync landed, whatever their order: a file
   * system that writes its folder blocks in any order (FAT, or one without a journal) may have
   * written a later rename and not an earlier one. Each entry that landed holds its latest version,
   * so a subset is applied in issue order: any prefix of any permutation of the entries leaves one
   * of these states. Every subset while they are few, else a sample.
   */
  UNSYNCED_ENTRIES_IN_ANY_ORDER("folder entries in any order") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      List<CrashState> out = new ArrayList<>();
      for (List<Integer> landed : subsets(issued.unsyncedEntries(), random)) {
        out.add(issued.withEntriesLanded(landed));
      }
      return out;
    }
  },

  /**
   * One unforced write of a file landed in part, a prefix of its 512-byte sectors (a device writes
   * a sector whole or not at all): the file's unforced writes before it landed, those after it did
   * not; the file's length either grew with the sectors that landed or as a whole (its metadata
   * first).
   */
  TORN_WRITES_PREFIX("torn writes, a prefix of the sectors") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      return tornWrites(issued, random, true);
    }
  },

  /**
   * As {@link #TORN_WRITES_PREFIX}, but any sectors of the write landed, not only a prefix: a
   * device (or its cache) may write the sectors of one request in any order.
   */
  TORN_WRITES_ANY_SECTORS("torn writes, any of the sectors") {
    @Override
    List<CrashState> states(Issued issued, SplittableRandom random) {
      return tornWrites(issued, random, false);
    }
  };

  static final int SECTOR = 512;

  /** States per crash point and model above which they are sampled: keeps the test fast. */
  static final int CAP = 64;

  private final String title;

  CrashModel(String title) {
    this.title = title;
  }

  String title() {
    return title;
  }

  /** The states a power cut may leave once {@code issued} were issued. */
  abstract List<CrashState> states(Issued issued, SplittableRandom random);

  /** A state: the events that reached the device, in the order they are applied. */
  record CrashState(String description, List<FolderEvent> landed) {}

  /** The first {@code count} events of an operation, and what is forced and synced among them. */
  record Issued(FolderImage before, List<FolderEvent> all, int count) {
    FolderEvent event(int i) {
      return all.get(i);
    }

    int lastSync() {
      for (int i = count - 1; i >= 0; i--) {
        if (all.get(i) instanceof FolderEvent.SyncFolder) {
          return i;
        }
      }
      return -1;
    }

    /** Indices of the entry events after the last folder sync. */
    List<Integer> unsyncedEntries() {
      List<Integer> out = new ArrayList<>();
      for (int i = lastSync() + 1; i < count; i++) {
        if (all.get(i) instanceof FolderEvent.Entry) {
          out.add(i);
        }
      }
      return out;
    }

    /** Per inode, indices of its data events after its last force. */
    Map<Integer, List<Integer>> unforcedDataByInode() {
      Map<Integer, List<Integer>> out = new java.util.TreeMap<>();
      for (int i = 0; i < count; i++) {
        FolderEvent e = all.get(i);
        if (e instanceof FolderEvent.Force f) {
          out.remove(f.inode());
        } else if (e instanceof FolderEvent.Data d) {
          out.computeIfAbsent(d.inode(), x -> new ArrayList<>()).add(i);
        }
      }
      return out;
    }

    /** The length of the file event {@code i} changes, just before it. */
    long lengthBefore(int i) {
      int inode = ((FolderEvent.Data) all.get(i)).inode();
      long length = before.content(inode).length();
      for (int j = 0; j < i; j++) {
        if (all.get(j) instanceof FolderEvent.Write w && w.inode() == inode) {
          length = Math.max(length, w.end());
        } else if (all.get(j) instanceof FolderEvent.SetLength s && s.inode() == inode) {
          length = s.length();
        }
      }
      return length;
    }

    CrashState without(Set<Integer> lost, String description) {
      return replacing(-1, List.of(), lost, description);
    }

    /** Every issued event in order, {@code replaced} by {@code pieces}, without {@code lost}. */
    CrashState replacing(
        int replaced, List<FolderEvent> pieces, Set<Integer> lost, String description) {
      List<FolderEvent> landed = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        if (i == replaced) {
          landed.addAll(pieces);
        } else if (!lost.contains(i)) {
          landed.add(all.get(i));
        }
      }
      return new CrashState(description, landed);
    }

    /** Everything but the unsynced entries not in {@code landed}. */
    CrashState withEntriesLanded(List<Integer> landed) {
      Set<Integer> lost = new LinkedHashSet<>(unsyncedEntries());
      lost.removeAll(landed);
      return without(
          lost, "unsynced entries landed " + describe(landed) + ", lost " + describe(lost));
    }

    String describe(java.util.Collection<Integer> indices) {
      return indices.stream()
          .map(i -> all.get(i).toString())
          .collect(Collectors.joining(", ", "[", "]"));
    }
  }

  /** For each list, how many of its first elements to keep: every combination, or a sample. */
  private static List<int[]> choices(List<List<Integer>> lists, SplittableRandom random) {
    long total = 1;
    for (List<Integer> l : lists) {
      total = Math.min(Long.MAX_VALUE / 64, total * (l.size() + 1));
    }
    List<int[]> out = new ArrayList<>();
    if (total <= CAP) {
      int[] keep = new int[lists.size()];
      for (long n = 0; n < total; n++) {
        long rest = n;
        for (int f = 0; f < lists.size(); f++) {
          keep[f] = (int) (rest % (lists.get(f).size() + 1));
          rest /= lists.get(f).size() + 1;
        }
        out.add(keep.clone());
      }
    } else {
      for (int s = 0; s < CAP; s++) {
        int[] keep = new int[lists.size()];
        for (int f = 0; f < lists.size(); f++) {
          keep[f] = random.nextInt(lists.get(f).size() + 1);
        }
        out.add(keep);
      }
    }
    return out;
  }

  /** Every subset of {@code items} (in their order), or a sample of them. */
  private static <T> List<List<T>> subsets(List<T> items, SplittableRandom random) {
    List<List<T>> out = new ArrayList<>();
    boolean all = items.size() < 31 && (1L << items.size()) <= CAP;
    int n = all ? 1 << items.size() : CAP;
    for (int s = 0; s < n; s++) {
      long mask = all ? s : random.nextLong();
      List<T> subset = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if ((mask >>> (i % 64) & 1) != 0) {
          subset.add(items.get(i));
        }
      }
      out.add(subset);
    }
    return out;
  }

  /** The states of {@link #TORN_WRITES_PREFIX} or {@link #TORN_WRITES_ANY_SECTORS}. */
  private static List<CrashState> tornWrites(
      Issued issued, SplittableRandom random, boolean prefixes) {
    List<CrashState> out = new ArrayList<>();
    for (List<Integer> unforced : issued.unforcedDataByInode().values()) {
      for (int p = 0; p < unforced.size(); p++) {
        if (!(issued.event(unforced.get(p)) instanceof FolderEvent.Write w)) {
          continue;
        }
        long first = w.offset() / SECTOR;
        long last = (w.end() - 1) / SECTOR;
        int sectors = (int) (last - first + 1);
        if (sectors < 2) {
          continue; // one sector lands whole or not at all: the suffix model has both
        }
        Set<Integer> later = new LinkedHashSet<>(unforced.subList(p + 1, unforced.size()));
        long oldLength = issued.lengthBefore(unforced.get(p));
        for (List<Integer> landed :
            prefixes ? prefixes(sectors, random) : scattered(sectors, random)) {
          for (boolean lengthAsNew : new boolean[] {false, true}) {
            if (lengthAsNew && w.end() <= oldLength) {
              continue;
            }
            List<FolderEvent> pieces = new ArrayList<>();
            if (lengthAsNew) {
              pieces.add(new FolderEvent.SetLength(w.primitive(), w.inode(), w.end()));
            }
            for (int s : landed) {
              long lo = Math.max(w.offset(), (first + s) * SECTOR);
              long hi = Math.min(w.end(), (first + s + 1) * SECTOR);
              pieces.add(
                  new FolderEvent.Write(
                      w.primitive(),
                      w.inode(),
                      lo,
                      java.util.Arrays.copyOfRange(
                          w.bytes(), (int) (lo - w.offset()), (int) (hi - w.offset()))));
            }
            out.add(
                issued.replacing(
                    unforced.get(p),
                    pieces,
                    later,
                    "torn "
                        + w
                        + ": sectors "
                        + landed
                        + " of 0.."
                        + (sectors - 1)
                        + " landed"
                        + (lengthAsNew ? ", length as new" : "")
                        + (later.isEmpty() ? "" : "; lost " + issued.describe(later))));
          }
        }
      }
    }
    return out;
  }

  /** Proper prefixes of the sectors of a torn write: all of them, or a sample for a long write. */
  private static List<List<Integer>> prefixes(int sectors, SplittableRandom random) {
    Set<Integer> cuts = new java.util.TreeSet<>();
    if (sectors <= 9) {
      for (int j = 1; j < sectors; j++) {
        cuts.add(j);
      }
    } else {
      // A long write (a grain): its first and last sector, its middle, and a sample.
      cuts.addAll(List.of(1, sectors / 2, sectors - 1));
      for (int r = 0; r < 5; r++) {
        cuts.add(1 + random.nextInt(sectors - 1));
      }
    }
    List<List<Integer>> out = new ArrayList<>();
    for (int j : cuts) {
      List<Integer> prefix = new ArrayList<>();
      for (int s = 0; s < j; s++) {
        prefix.add(s);
      }
      out.add(prefix);
    }
    return out;
  }

  /**
   * Proper, non-empty subsets of the sectors of a torn write that are not prefixes: all of them for
   * up to 5 sectors, else a sample of 8.
   */
  private static List<List<Integer>> scattered(int sectors, SplittableRandom random) {
    Set<List<Integer>> out = new LinkedHashSet<>();
    boolean all = sectors <= 5;
    int n = all ? (1 << sectors) - 1 : 8;
    for (int m = 1; m < n; m++) {
      long mask = all ? m : random.nextLong();
      List<Integer> subset = new ArrayList<>();
      for (int s = 0; s < sectors; s++) {
        if ((mask >>> (s % 64) & 1) != 0) {
          subset.add(s);
        }
      }
      boolean prefix = !subset.isEmpty() && subset.get(subset.size() - 1) == subset.size() - 1;
      if (!subset.isEmpty() && subset.size() < sectors && !prefix) {
        out.add(subset);
      }
    }
    return new ArrayList<>(out);
  }
}
