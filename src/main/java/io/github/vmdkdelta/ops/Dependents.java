package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.FolderScan;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one rule on who depends on a file: every existing file a plan renames, rewrites, merges into
 * or removes must have no dependent that the plan leaves behind. A dependent is another disk in the
 * folder whose parent hint names the file (it would lose its parent or read changed data) or a
 * Workstation snapshot list ({@code .vmsd}) naming it. A disk the plan itself removes (the delta
 * that {@code delete}, {@code revert} or {@code commit} throws away) may depend on a file the plan
 * changes: nothing is left to break.
 *
 * <p>The rule reads the plan, not each operation's intent, so that no operation can forget one of
 * the files it touches.
 */
final class Dependents {
  private Dependents() {}

  /**
   * Refuses {@code plan} for operation {@code verb} when a file it changes has a dependent it
   * leaves behind.
   *
   * @throws DiskInUseException naming the changed file and its first dependent
   */
  static void requireNone(Plan plan, String verb) throws IOException {
    Changes changes = Changes.of(plan);
    for (Path file : changes.changed()) {
      List<Path> lists = FolderScan.filesNaming(file, ".vmsd");
      if (!lists.isEmpty()) {
        throw new DiskInUseException(
            file,
            "name",
            "VMware Workstation's snapshot list "
                + lists.get(0).getFileName()
                + " names this file; "
                + verb
                + " would break those snapshots: use Workstation's snapshot manager for this VM");
      }
      List<Path> children = FolderScan.childrenOf(file, changes.removed());
      if (!children.isEmpty()) {
        throw new DiskInUseException(
            file,
            "children",
            children.get(0).getFileName()
                + " is another delta of this disk (its parent is this file); "
                + verb
                + " would break it");
      }
    }
  }

  /**
   * The files that exist before {@code plan} runs and that it changes, by their names then, and
   * those among them it removes. Names are followed through the plan's renames, so that a rewrite
   * of a file under its new name counts for the file.
   */
  private record Changes(List<Path> changed, List<Path> removed) {
    static Changes of(Plan plan) {
      Map<Path, Path> original = new HashMap<>();
      Set<Path> created = new LinkedHashSet<>();
      Set<Path> changed = new LinkedHashSet<>();
      for (FileStep step : plan.steps()) {
        if (step instanceof FileStep.CreateFile c) {
          created.add(c.path());
        } else if (step instanceof FileStep.Rename r) {
          Path source = original.getOrDefault(r.from(), r.from());
          original.remove(r.from());
          if (created.remove(r.from())) {
            created.add(r.to());
          } else {
            changed.add(source);
            original.put(r.to(), source);
          }
        } else if (step instanceof FileStep.Rewrite w) {
          changed.add(original.getOrDefault(w.path(), w.path()));
        } else if (step instanceof FileStep.Merge m) {
          changed.add(original.getOrDefault(m.parent(), m.parent()));
        }
      }
      List<Path> removed = new ArrayList<>();
      for (FileStep step : plan.cleanup()) {
        if (step instanceof FileStep.Delete d) {
          Path source = original.getOrDefault(d.path(), d.path());
          if (!created.contains(d.path())) {
            changed.add(source);
            removed.add(source);
          }
        }
      }
      changed.removeIf(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
      return new Changes(List.copyOf(changed), removed);
    }
  }
}
