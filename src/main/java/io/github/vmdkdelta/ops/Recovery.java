package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Finishes the work of a vmdk-delta process that died: finds its journal, and either completes the
 * operation (it had committed) or undoes every step it had done, in reverse.
 */
public final class Recovery {
  /**
   * What recovery did.
   *
   * @param disk the disk the interrupted operation was on
   * @param operation make, delete, ...
   * @param outcome "completed", "rolled back", or "nothing to undo"
   */
  public record Report(Path disk, String operation, String outcome) {
    /** One line for the user. */
    public String describe() {
      return "recovered an interrupted '" + operation + "' of " + disk + ": " + outcome;
    }
  }

  private final SafeFileOperations ops;

  /**
   * @param ops the file layer every change goes through
   */
  public Recovery(SafeFileOperations ops) {
    this.ops = ops;
  }

  /** True when the folder of {@code disk} holds the journal of an interrupted operation. */
  public static boolean pending(Path disk) {
    return Files.exists(Journal.pathFor(disk));
  }

  /**
   * Recovers the journal of {@code disk}, if there is one.
   *
   * @throws DiskInUseException when a live process holds the journal
   * @throws IOException when the folder is in a state no automatic undo can handle
   */
  public Optional<Report> recoverIfNeeded(Path disk) throws IOException {
    Path journal = Journal.pathFor(disk);
    if (!Files.exists(journal)) {
      return Optional.empty();
    }
    return recover(journal);
  }

  /** Recovers the journal of {@code folder}, if there is one. */
  public Optional<Report> recoverFolder(Path folder) throws IOException {
    Path journal = folder.resolve(Journal.NAME);
    return Files.exists(journal) ? recover(journal) : Optional.empty();
  }

  private Optional<Report> recover(Path journal) throws IOException {
    Path folder = journal.toAbsolutePath().getParent();
    if (Journal.heldHere(journal).isPresent()) {
      // Opening it here and closing again would drop this process's own lock on it.
      throw running(JournalStatus.ofJournal(journal), journal);
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // the operation that held it has just finished
    }
    try (ch) {
      if (tryLock(ch) == null) {
        throw running(JournalStatus.withOperation(JournalStatus.State.RUNNING, journal), journal);
      }
      JournalFormat.Content content = JournalFormat.read(journal, folder);
      String outcome;
      try {
        outcome = undoOrComplete(content, Journal.reopened(ops, journal, ch));
      } catch (IOException e) {
        throw failed(e, content, folder);
      }
      ops.syncFolder(folder);
      ops.delete(journal);
      ops.syncFolder(folder);
      return Optional.of(new Report(folder.resolve(content.disk()), content.operation(), outcome));
    }
  }

  private String undoOrComplete(JournalFormat.Content content, Journal journal) throws IOException {
    if (!content.planComplete()) {
      return "nothing had been changed yet";
    }
    if (content.committed()) {
      for (FileStep step : content.plan().cleanup()) {
        if (!(step instanceof FileStep.Delete d) || Files.exists(d.path())) {
          step.apply(ops);
        }
      }
      return "completed";
    }
    List<FileStep> steps = content.plan().steps();
    // Every step, not only up to the one after the last marked done: each undo decides from the
    // folder, and does nothing where its step left no trace, so marks a power cut made wrong (or a
    // file system that orders nothing) cannot mislead it.
    Transaction.undo(ops, journal, steps, steps.size() - 1, content.undone());
    return "rolled back";
  }

  private static DiskInUseException running(JournalStatus status, Path journal) {
    return new DiskInUseException(
        journal, "journal", status.describe() + "; wait for it to finish");
  }

  /**
   * A recovery that failed, saying what, why and what to do: until it succeeds, every command in
   * the folder fails the same way. Refusals with exit codes of their own pass unchanged.
   */
  private static IOException failed(IOException e, JournalFormat.Content content, Path folder) {
    if (e instanceof io.github.vmdkdelta.vmdk.VmdkException
        || e instanceof java.nio.file.FileAlreadyExistsException) {
      return e;
    }
    IOException failure =
        new java.nio.file.FileSystemException(
            folder.toString(),
            null,
            "recovering the interrupted '"
                + content.operation()
                + "' of "
                + content.disk()
                + " failed: "
                + Failures.describe(e)
                + "; the journal is kept: "
                + Failures.advice(e)
                + ", then run 'vmdk-delta recover "
                + folder
                + "' again");
    failure.initCause(e);
    return failure;
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }
}
