package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Recovery#recoverFolder} would do in a folder, for {@code recover --dry-run}; reading
 * the journal changes nothing.
 *
 * @param disk the disk the interrupted operation was on
 * @param operation make, delete, ...
 * @param action "complete", "roll back", or "remove the journal" (nothing had been changed)
 * @param steps what would be done, in order, one line each
 */
public record RecoveryPreview(Path disk, String operation, String action, List<String> steps) {
  public RecoveryPreview {
    steps = List.copyOf(steps);
  }

  /**
   * The preview for {@code folder}, empty when it holds no journal.
   *
   * @throws DiskInUseException when a live vmdk-delta holds the journal
   * @throws IOException when the journal cannot be read
   */
  public static Optional<RecoveryPreview> of(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath().normalize();
    Path journal = absolute.resolve(Journal.NAME);
    JournalStatus status = JournalStatus.ofJournal(journal);
    if (status.state() == JournalStatus.State.NONE) {
      return Optional.empty();
    }
    if (status.running()) {
      throw new DiskInUseException(
          journal, "journal", status.describe() + "; wait for it to finish");
    }
    JournalFormat.Content content = JournalFormat.read(journal, absolute);
    List<String> steps = new ArrayList<>();
    String action;
    if (!content.planComplete()) {
      action = "remove the journal";
    } else if (content.committed()) {
      action = "complete";
      // As Recovery completes: the clean-up, skipping files already deleted.
      for (FileStep step : content.plan().cleanup()) {
        if (!(step instanceof FileStep.Delete d) || Files.exists(d.path())) {
          steps.add(step.describe());
        }
      }
    } else {
      action = "roll back";
      // As Recovery undoes: every step, each only where the folder shows it was done.
      List<FileStep> all = content.plan().steps();
      int upTo = all.size() - 1;
      for (int i = upTo; i >= 0; i--) {
        if (!content.undone().contains(i)) {
          steps.add("undo, where it was done: " + all.get(i).describe());
        }
      }
    }
    steps.add("delete " + journal);
    return Optional.of(
        new RecoveryPreview(absolute.resolve(content.disk()), content.operation(), action, steps));
  }
}
