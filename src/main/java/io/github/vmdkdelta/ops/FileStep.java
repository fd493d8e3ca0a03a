package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ByteRewrite;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One change to a user's folder, with its exact inverse. A step that fails part-way leaves nothing
 * of itself behind, so that undoing the steps done before it restores the folder.
 */
public sealed interface FileStep {
  /** Carries the step out. */
  void apply(SafeFileOperations ops) throws IOException;

  /** Reverses a step that was applied. */
  void undo(SafeFileOperations ops) throws IOException;

  /** One line for {@code --dry-run} and error reports. */
  String describe();

  /** Writes a new file under a name that does not exist yet. */
  record CreateFile(Path path, SparseFileImage image) implements FileStep {
    @Override
    public void apply(SafeFileOperations ops) throws IOException {
      ops.createFile(path, image);
    }

    @Override
    public void undo(SafeFileOperations ops) throws IOException {
      ops.delete(path);
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
      ops.renameNoReplace(to, from);
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
      ops.rewrite(path, change.offset(), change.before());
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
    public String describe() {
      return "sync folder " + folder;
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
    public String describe() {
      return "delete " + path;
    }
  }
}
