package io.github.vmdkdelta.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files of the folder as it is before a plan runs that the plan changes, each by its name then,
 * with what the plan does to it. Names are followed through the plan's renames ({@link PlanNames}:
 * a commit rewrites the parent's descriptor under the delta's name); a name a step creates or frees
 * holds none of these files.
 *
 * @param touched every such file, in the order the plan first changes it
 * @param written those written in place (rewritten, merged into), with why, first reason kept
 * @param moved those renamed or deleted, with why, first reason kept
 * @param deleted those the clean-up deletes: the plan removes them
 */
record PlanFiles(
    Set<Path> touched, Map<Path, String> written, Map<Path, String> moved, List<Path> deleted) {

  static PlanFiles of(Plan plan) {
    PlanNames names = new PlanNames();
    PlanFiles files =
        new PlanFiles(
            new LinkedHashSet<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
    for (FileStep step : plan.steps()) {
      if (step instanceof FileStep.Rewrite r) {
        files.note(
            files.written, names.fileBefore(r.path()), "to rewrite its " + r.what() + " in place");
      } else if (step instanceof FileStep.Merge m) {
        files.note(files.written, names.fileBefore(m.parent()), "to merge the delta into it");
      } else if (step instanceof FileStep.Rename r) {
        files.note(files.moved, names.fileBefore(r.from()), "to rename it");
      }
      names.pass(step);
    }
    for (FileStep step : plan.cleanup()) {
      if (step instanceof FileStep.Delete d) {
        Optional<Path> file = names.fileBefore(d.path());
        files.note(files.moved, file, "to delete it");
        file.ifPresent(files.deleted::add);
      }
    }
    return files;
  }

  private void note(Map<Path, String> files, Optional<Path> file, String why) {
    file.ifPresent(
        f -> {
          touched.add(f);
          files.putIfAbsent(f, why);
        });
  }
}
