package io.github.vmdkdelta.ops;

/**
 * One change an operation made to its folder, as {@link PrimitiveRecorder} saw it: a change of a
 * file's bytes (by its inode, whatever its names), a change of the folder's entries, or a force of
 * one or the other. Which of them a power cut keeps is what {@link CrashModel} decides; {@link
 * FolderImage} applies those kept.
 *
 * <p>Directory entries are modelled one by one, as a file system that reorders them writes them: a
 * rename removes {@code from} if it still names the file and makes {@code to} name it, replacing
 * whatever {@code to} named (rename(2) replaces).
 */
sealed interface FolderEvent {
  /** The primitive (1-based, in the order the operation issued them) this event came from. */
  int primitive();

  /** A change of a file's bytes or length. */
  sealed interface Data extends FolderEvent {
    int inode();
  }

  /** A change of the folder's entries. */
  sealed interface Entry extends FolderEvent {
    int inode();
  }

  /** Bytes written at {@code offset}; the file grows to hold them. */
  record Write(int primitive, int inode, long offset, byte[] bytes) implements Data {
    long end() {
      return offset + bytes.length;
    }

    @Override
    public String toString() {
      return "#"
          + primitive
          + " write "
          + bytes.length
          + " bytes at "
          + offset
          + " of inode "
          + inode;
    }
  }

  /** The file cut or extended (with a hole) to {@code length}. */
  record SetLength(int primitive, int inode, long length) implements Data {
    @Override
    public String toString() {
      return "#" + primitive + " set-length " + length + " of inode " + inode;
    }
  }

  /** fsync of one file: its bytes and length so far are on the device. */
  record Force(int primitive, int inode) implements FolderEvent {
    @Override
    public String toString() {
      return "#" + primitive + " force inode " + inode;
    }
  }

  /** A name for a file: a new file ({@code created}) or a hard link to one. */
  record Link(int primitive, String name, int inode, boolean created) implements Entry {
    @Override
    public String toString() {
      return "#" + primitive + (created ? " create " : " link ") + name + " (inode " + inode + ")";
    }
  }

  /** A name removed. */
  record Unlink(int primitive, String name, int inode) implements Entry {
    @Override
    public String toString() {
      return "#" + primitive + " unlink " + name + " (inode " + inode + ")";
    }
  }

  /** A file renamed. */
  record Rename(int primitive, String from, String to, int inode) implements Entry {
    @Override
    public String toString() {
      return "#" + primitive + " rename " + from + " -> " + to + " (inode " + inode + ")";
    }
  }

  /** fsync of the folder: its entries so far are on the device. */
  record SyncFolder(int primitive) implements FolderEvent {
    @Override
    public String toString() {
      return "#" + primitive + " sync-folder";
    }
  }
}
