package io.github.vmdkdelta.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Problems of one file, at most {@link #MAX_REPORTED_PER_KIND} of each kind; the rest are counted
 * in one last line per kind.
 */
final class Problems {
  /** Problems of one kind reported per file. */
  static final int MAX_REPORTED_PER_KIND = 10;

  private final Path path;
  private final Map<String, List<Problem>> byKind = new LinkedHashMap<>();
  private final Map<String, Long> dropped = new HashMap<>();

  Problems(Path path) {
    this.path = path;
  }

  void add(String kind, Problem p) {
    List<Problem> list = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
    if (list.size() < MAX_REPORTED_PER_KIND) {
      list.add(p);
    } else {
      dropped.merge(kind, 1L, Long::sum);
    }
  }

  void addUncounted(String kind, long count) {
    if (count > 0) {
      dropped.merge(kind, count, Long::sum);
    }
  }

  void drainTo(List<Problem> out) {
    for (Map.Entry<String, List<Problem>> e : byKind.entrySet()) {
      out.addAll(e.getValue());
      long more = dropped.getOrDefault(e.getKey(), 0L);
      if (more > 0) {
        Problem last = e.getValue().get(e.getValue().size() - 1);
        out.add(
            new Problem(
                path, last.what(), "and " + more + " more like the one above", last.severity()));
      }
    }
  }
}
