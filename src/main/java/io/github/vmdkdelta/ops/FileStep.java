package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ByteRewrite;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One change to a user's folder, with its exact inverse. A step that fails part-way leaves nothing
 * of itself behind, so that undoing the steps done before it restores the folder.
 */
sealed interface FileStep {
  /** Carries the step out. */
  void apply(SafeFileOperations ops) throws IOException;

  /**
   * Reverses the step if its effect is present, and does nothing if it is not: the same code serves
   * rollback in the running process and recovery from a journal after a crash.
   *
   * @throws IOException when the file system is in neither state, so that no automatic undo is safe
   */
  void undo(SafeFileOperations ops) throws IOException;

  /**
   * Reverses a step known to have been done (a rollback in the running process): the same as {@link
   * #undo} but where the folder could be read either way.
   */
  default void undoDone(SafeFileOperations ops) throws IOException {
    undo(ops);
  }

  /** One line for {@code --dry-run} and error reports. */
  String describe();

  /** The step as a journal line (see {@link JournalFormat}). */
  String journalEntry();

  /**
   * Writes a new file under a name that does not exist yet (a hidden one: a file takes a name the
   * user sees only by a rename).
   *
   * @param fingerprint how to know the file again; null for a journal of an older version
   */
  record CreateFile(Path path, SparseFileImage image, FileFingerprint fingerprint)
      implements FileStep {
    CreateFile(Path path, SparseFileImage image) {
      this(path, image, FileFingerprint.of(image));
    }

    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.createFile(path, image);
    }

    /**
     * Deletes the file if it is the one created here, whole or as a power cut left it: a file of
     * someone else's under the name is left alone.
     */
    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (fingerprint == null || fingerprint.matchesWholeOrTorn(ops, path)) {
        ops.delete(path);
        ops.syncFolder(DiskNames.folderOf(path));
      }
    }

    @Override
    public String journalEntry() {
      return "create "
          + JournalFormat.name(path)
          + " "
          + fingerprint.length()
          + " "
          + JournalFormat.hex(fingerprint.head());
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

  /**
   * Renames a file, never replacing another.
   *
   * @param created how to know the file, when an earlier step of the plan created it; else null
   */
  record Rename(Path from, Path to, FileFingerprint created) implements FileStep {
    Rename(Path from, Path to) {
      this(from, to, null);
    }

    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.renameNoReplace(from, to);
    }

    /**
     * Decides from the folder, not from the journal, whose marks may be ahead of what a power cut
     * kept: a rename never replaces, so {@code from} and {@code to} both present as two files means
     * it did not happen; as one file (two names) it stopped between link and unlink; {@code to}
     * alone is the file renamed, unless it is not the file an earlier step created under {@code
     * from} (that creation was lost, and {@code to} is the user's).
     */
    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      boolean fromExists = Files.exists(from, LinkOption.NOFOLLOW_LINKS);
      boolean toExists = Files.exists(to, LinkOption.NOFOLLOW_LINKS);
      if (fromExists && toExists) {
        if (Files.isSameFile(from, to)) {
          ops.delete(to);
          ops.syncFolder(DiskNames.folderOf(to));
        } else if (DiskNames.isTemporary(to)) {
          // Only this operation makes its temporary names: the rename happened, and another
          // program took the old name since.
          throw taken();
        }
      } else if (toExists) {
        if (created == null || created.matches(ops, to)) {
          ops.renameNoReplace(to, from);
        }
      } else if (!fromExists && created == null) {
        throw new IOException("cannot undo rename " + from + " -> " + to + ": neither exists");
      }
    }

    @Override
    public void undoDone(SafeFileOperations ops) throws IOException {
      if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)
          && Files.exists(to, LinkOption.NOFOLLOW_LINKS)
          && !Files.isSameFile(from, to)) {
        throw taken();
      }
      undo(ops);
    }

    private IOException taken() {
      return new java.nio.file.FileAlreadyExistsException(
          from.toString(),
          null,
          "another program created this name while vmdk-delta had renamed the file to "
              + to.getFileName()
              + "; move that file away and run vmdk-delta recover");
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

  /**
   * Rewrites bytes of a file in place (an embedded descriptor).
   *
   * @param formerNames the names the file had earlier in the plan, latest first: where undo looks
   *     for it when a rename before the rewrite was lost
   */
  record Rewrite(Path path, ByteRewrite change, String what, List<Path> formerNames)
      implements FileStep {
    Rewrite(Path path, ByteRewrite change, String what) {
      this(path, change, what, List.of());
    }

    public Rewrite {
      formerNames = List.copyOf(formerNames);
    }

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

    /**
     * Writes the old bytes back into whichever of the file's names holds the new ones, or a torn
     * mix of old and new sectors: the rewrite is forced, a rename before it may not have been. The
     * bytes are a whole descriptor, with the disk's CID, so no other file matches them.
     */
    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      boolean found = false;
      List<Path> names = new java.util.ArrayList<>(List.of(path));
      names.addAll(formerNames);
      byte[] before = change.before();
      byte[] after = change.after();
      for (Path name : names) {
        if (!Files.exists(name, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        found = true;
        byte[] now = ops.read(name, change.offset(), before.length);
        if (Arrays.equals(now, before)) {
          return;
        }
        if (now.length == before.length
            && TornSectors.eachSectorOneOf(now, change.offset(), before, after)) {
          ops.rewrite(name, change.offset(), before);
          return;
        }
      }
      if (found) {
        throw new IOException(
            "cannot undo rewrite of "
                + what
                + " in "
                + path
                + ": the bytes were changed by"
                + " something else");
      }
      // Nowhere: only a repeated recovery sees this, after undoing a later step renamed the file
      // back (undo runs in reverse, so this rewrite was undone before that).
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
