package io.github.vmdkdelta.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of the folder as it is before a plan runs that the plan changes, each by its name then,
 * with what the plan does to it. Steps name files by the names they have when the step runs, so
 * names are followed through the plan's renames (a commit rewrites the parent's descriptor under
 * the delta's name); a name a step creates or frees holds none of these files.
 *
 * @param touched every such file, in the order the plan first changes it
 * @param written those written in place (rewritten, merged into), with why, first reason kept
 * @param moved those renamed or deleted, with why, first reason kept
 * @param deleted those the clean-up deletes: the plan removes them
 */
record PlanFiles(
    Set<Path> touched, Map<Path, String> written, Map<Path, String> moved, List<Path> deleted) {

  /** Stands for a name that holds no file of the folder as it was (made or freed by a step). */
  private static final Path CREATED = Path.of("");

  static PlanFiles of(Plan plan) {
    Map<Path, Path> now = new HashMap<>();
    PlanFiles files =
        new PlanFiles(
            new LinkedHashSet<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
    for (FileStep step : plan.steps()) {
      if (step instanceof FileStep.Rewrite r) {
        files.note(
            files.written, fileNow(now, r.path()), "to rewrite its " + r.what() + " in place");
      } else if (step instanceof FileStep.Merge m) {
        files.note(files.written, fileNow(now, m.parent()), "to merge the delta into it");
      } else if (step instanceof FileStep.Rename r) {
        Path file = fileNow(now, r.from());
        files.note(files.moved, file, "to rename it");
        now.put(r.to(), file);
        now.put(r.from(), CREATED);
      } else if (step instanceof FileStep.CreateFile c) {
        now.put(c.path(), CREATED);
      }
    }
    for (FileStep step : plan.cleanup()) {
      if (step instanceof FileStep.Delete d) {
        Path file = fileNow(now, d.path());
        files.note(files.moved, file, "to delete it");
        if (file != CREATED) {
          files.deleted.add(file);
        }
      }
    }
    return files;
  }

  private static Path fileNow(Map<Path, Path> now, Path name) {
    return now.getOrDefault(name, name);
  }

  private void note(Map<Path, String> files, Path file, String why) {
    if (file != CREATED) {
      touched.add(file);
      files.putIfAbsent(file, why);
    }
  }
}
