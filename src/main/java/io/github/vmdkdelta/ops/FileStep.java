package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ByteRewrite;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One change to a user's folder, with its exact inverse. A step that fails part-way leaves nothing
 * of itself behind, so that undoing the steps done before it restores the folder.
 */
public sealed interface FileStep {
  /** Carries the step out. */
  void apply(SafeFileOperations ops) throws IOException;

  /**
   * Reverses the step if its effect is present, and does nothing if it is not: the same code serves
   * rollback in the running process and recovery from a journal after a crash.
   *
   * @throws IOException when the file system is in neither state, so that no automatic undo is safe
   */
  void undo(SafeFileOperations ops) throws IOException;

  /** One line for {@code --dry-run} and error reports. */
  String describe();

  /** The step as a journal line (see {@link JournalFormat}). */
  String journalEntry();

  /** Writes a new file under a name that does not exist yet. */
  record CreateFile(Path path, SparseFileImage image) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.createFile(path, image);
    }

    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        ops.delete(path);
      }
    }

    @Override
    public String journalEntry() {
      return "create " + JournalFormat.name(path);
    }

    @Override
    public String describe() {
      return "create "
          + path
          + " ("
          + image.length()
          + " bytes, "
          + image.writtenBytes()
          + " written)";
    }
  }

  /** Renames a file, never replacing another. */
  record Rename(Path from, Path to) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.renameNoReplace(from, to);
    }

    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      boolean fromExists = Files.exists(from, LinkOption.NOFOLLOW_LINKS);
      boolean toExists = Files.exists(to, LinkOption.NOFOLLOW_LINKS);
      if (toExists && !fromExists) {
        ops.renameNoReplace(to, from);
      } else if (!fromExists) {
        throw new IOException("cannot undo rename " + from + " -> " + to + ": neither exists");
      }
    }

    @Override
    public String journalEntry() {
      return "rename " + JournalFormat.name(from) + " " + JournalFormat.name(to);
    }

    @Override
    public String describe() {
      return "rename " + from + " -> " + to;
    }
  }

  /** Rewrites bytes of a file in place (an embedded descriptor). */
  record Rewrite(Path path, ByteRewrite change, String what) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      try {
        ops.rewrite(path, change.offset(), change.after());
      } catch (IOException | RuntimeException e) {
        try {
          ops.withoutFaults().rewrite(path, change.offset(), change.before());
        } catch (IOException restore) {
          e.addSuppressed(restore);
        }
        throw e;
      }
    }

    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        // Only a repeated recovery sees this: undoing a later step already renamed the file back,
        // and undo runs in reverse, so this rewrite was undone before that.
        return;
      }
      byte[] now = ops.read(path, change.offset(), change.before().length);
      if (Arrays.equals(now, change.after())) {
        ops.rewrite(path, change.offset(), change.before());
      } else if (!Arrays.equals(now, change.before())) {
        throw new IOException(
            "cannot undo rewrite of "
                + what
                + " in "
                + path
                + ": the bytes were changed by"
                + " something else");
      }
    }

    @Override
    public String journalEntry() {
      return "rewrite "
          + JournalFormat.name(path)
          + " "
          + change.offset()
          + " "
          + JournalFormat.hex(change.before())
          + " "
          + JournalFormat.hex(change.after())
          + " "
          + JournalFormat.escape(what);
    }

    @Override
    public String describe() {
      return "rewrite "
          + what
          + " in "
          + path
          + " ("
          + change.after().length
          + " bytes at offset "
          + change.offset()
          + ")";
    }
  }

  /** Makes the renames in a folder durable. */
  record SyncFolder(Path folder) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.syncFolder(folder);
    }

    @Override
    public void undo(SafeFileOperations ops) {}

    @Override
    public String journalEntry() {
      return "sync-folder";
    }

    @Override
    public String describe() {
      return "sync folder " + folder;
    }
  }

  /**
   * Merges the grains of a delta into one file of its parent, in place ({@code commit}). Every byte
   * of the file it overwrites is first saved in an undo log, forced; undo writes those bytes back
   * and cuts the file to its old length, which drops the grains and tables appended. A step read
   * back from a journal has no {@code merge} and can only be undone.
   *
   * @param delta the delta, only read
   * @param parent the file merged into: the parent, or one extent file of a split or flat parent
   * @param undoLog the undo log, a new file in the same folder
   * @param parentLength the parent's length before the merge
   * @param merge the checked merge, or null when read from a journal
   * @param progress told after each batch
   */
  record Merge(
      Path delta,
      Path parent,
      Path undoLog,
      long parentLength,
      io.github.vmdkdelta.vmdk.ExtentMerge merge,
      io.github.vmdkdelta.vmdk.DeltaMerge.Progress progress)
      implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      if (merge == null) {
        throw new IllegalStateException("a merge read from a journal can only be undone");
      }
      // Checked before the undo log exists: without a log, undo leaves the parent alone.
      long size = Files.size(parent);
      if (size != parentLength) {
        throw new IOException(
            parent
                + ": changed since it was checked ("
                + size
                + " bytes, was "
                + parentLength
                + "); nothing was changed");
      }
      try (UndoLog log = UndoLog.create(ops, undoLog, parentLength);
          OpenFile target = ops.openForUpdate(parent);
          java.nio.channels.FileChannel source = java.nio.channels.FileChannel.open(delta)) {
        merge.run(source, UndoLoggedFile.of(target, log, parentLength), progress);
      } catch (IOException e) {
        if (e.getClass() != IOException.class) {
          throw e;
        }
        // A bare I/O error (the disk is full) names no file: say which one and what was going on.
        throw new java.nio.file.FileSystemException(
            parent.toString(),
            null,
            "merging " + delta.getFileName() + " failed: " + e.getMessage());
      }
    }

    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      UndoLog.undo(ops, undoLog, parent, parentLength);
    }

    @Override
    public String journalEntry() {
      return "merge "
          + JournalFormat.name(delta)
          + " "
          + JournalFormat.name(parent)
          + " "
          + JournalFormat.name(undoLog)
          + " "
          + parentLength;
    }

    @Override
    public String describe() {
      return "merge the grains of "
          + delta
          + " into "
          + parent
          + (merge == null ? "" : " (" + merge.grains() + " grains, " + merge.bytes() + " bytes)")
          + ", saving the bytes it overwrites in "
          + undoLog.getFileName();
    }
  }

  /** Deletes a file: irreversible, so only ever a clean-up after the commit point. */
  record Delete(Path path) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.delete(path);
    }

    @Override
    public void undo(SafeFileOperations ops) {
      throw new UnsupportedOperationException("a delete cannot be undone");
    }

    @Override
    public String journalEntry() {
      return "delete " + JournalFormat.name(path);
    }

    @Override
    public String describe() {
      return "delete " + path;
    }
  }
}
