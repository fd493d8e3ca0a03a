package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.FolderScan;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

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
    PlanFiles files = PlanFiles.of(plan);
    for (Path file : files.touched()) {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        continue; // the plan makes it (an undo log)
      }
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
      List<Path> children = FolderScan.childrenOf(file, files.deleted());
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
}
