package io.github.vmdkdelta.ops;

import com.sun.nio.file.ExtendedOpenOption;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The one layer through which vmdk-delta changes a user's folder. Every primitive is durable when
 * it returns (data forced to the device; a creation or a rename forced into its folder too, since a
 * power cut may otherwise lose it, or land it before an earlier one) and never replaces an existing
 * file. Only {@link #delete} leaves its folder to be synced by the caller. Each calls the {@link
 * FaultInjector} first, so tests can fail any of them.
 */
public final class SafeFileOperations {
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final FaultInjector faults;
  private final HardLinks links;
  private final RenameCapability renames;

  /** Makes a hard link {@code link} to {@code existing}; tests put a file system without links. */
  @FunctionalInterface
  interface HardLinks {
    HardLinks FILES = (link, existing) -> Files.createLink(link, existing);

    void link(Path link, Path existing) throws IOException;
  }

  /** Operations on the real file system, with no injected faults. */
  public SafeFileOperations() {
    this(FaultInjector.NONE);
  }

  /** Operations that consult {@code faults} before each primitive. */
  public SafeFileOperations(FaultInjector faults) {
    this(faults, HardLinks.FILES, new RenameCapability());
  }

  SafeFileOperations(FaultInjector faults, HardLinks links, RenameCapability renames) {
    this.faults = faults;
    this.links = links;
    this.renames = renames;
  }

  /** The same operations with no injected faults, for rollback. */
  SafeFileOperations withoutFaults() {
    return faults == FaultInjector.NONE
        ? this
        : new SafeFileOperations(FaultInjector.NONE, links, renames);
  }

  /**
   * Creates a new file with the given content and forces it and its folder entry to disk; a failure
   * removes what was created.
   *
   * @throws FileAlreadyExistsException when {@code path} exists
   */
  void createFile(Path path, SparseFileImage image) throws IOException {
    faults.before("create", path);
    Files.createFile(path);
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      FileChannel ch = file.getChannel();
      for (SparseFileImage.Region region : image.regions()) {
        faults.before("write", path);
        ByteBuffer b = ByteBuffer.wrap(region.bytes());
        while (b.hasRemaining()) {
          ch.write(b, region.offset() + b.position());
        }
      }
      faults.before("set-length", path);
      // setLength extends with a hole: grain tables cost nothing until written.
      file.setLength(image.length());
      faults.before("force", path);
      ch.force(true);
      file.close();
      // By POSIX a new file's name is durable only once its folder is forced.
      syncFolder(path.toAbsolutePath().getParent());
    } catch (IOException | RuntimeException e) {
      try {
        // Synced too: else the removal could be lost while the journal's removal is not.
        if (Files.deleteIfExists(path)) {
          withoutFaults().syncFolder(path.toAbsolutePath().getParent());
        }
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Overwrites bytes of an existing file in place and forces them to disk. */
  void rewrite(Path path, long offset, byte[] bytes) throws IOException {
    faults.before("rewrite", path);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b, offset + b.position());
      }
      faults.before("force", path);
      ch.force(true);
    }
  }

  /**
   * Renames a file within its folder, refusing atomically to replace an existing one, and makes the
   * rename durable (folder forced) before returning.
   *
   * <p>{@code Files.move} is {@code rename(2)} on POSIX, which replaces a file created after any
   * check: there the rename is a hard link to the new name (which fails atomically when the name
   * exists), the folder forced, then the removal of the old name and the folder forced again, so
   * that a power cut leaves the file under one name or both, never none. Where {@code Files.move}
   * itself refuses atomically (the Windows provider: MoveFileEx without REPLACE_EXISTING) it is
   * used. Where the file system has no hard links (FAT, exFAT: detected by trying, once per file
   * store) the fallback is a check then a move, with a window of microseconds in which a file
   * another program creates under {@code to} would be replaced.
   *
   * @throws FileAlreadyExistsException when {@code to} exists
   */
  void renameNoReplace(Path from, Path to) throws IOException {
    faults.before("rename", from);
    Path folder = from.toAbsolutePath().getParent();
    if (RenameCapability.moveRefusesAtomically(folder) || !renames.hasHardLinks(folder)) {
      moveUnlessExists(from, to);
      syncFolder(folder);
      return;
    }
    try {
      links.link(to, from);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(to.toString(), null, "rename target exists");
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (!renames.noHardLinks(folder, e)) {
        throw e;
      }
      moveUnlessExists(from, to);
      syncFolder(folder);
      return;
    }
    try {
      // Both names durable before the old one goes: reordered on the device, the removal alone
      // would leave the file with no name.
      syncFolder(folder);
      faults.before("unlink", from);
      Files.delete(from);
    } catch (IOException | RuntimeException e) {
      try {
        if (Files.isSameFile(from, to)) {
          Files.delete(to);
        }
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    syncFolder(folder);
  }

  private static void moveUnlessExists(Path from, Path to) throws IOException {
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(to.toString(), null, "rename target exists");
    }
    // Without REPLACE_EXISTING, Files.move refuses a target that exists when it looks; on POSIX
    // that look and the rename are two system calls (the residual window documented above).
    Files.move(from, to);
  }

  /**
   * Opens an existing file for changes in place; opening changes nothing, the changes made through
   * the returned file consult the fault injector.
   *
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   */
  OpenFile openForUpdate(Path path) throws IOException {
    return new OpenFile(
        faults, path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  /**
   * Opens an existing file for writing and closes it again, to learn before a plan starts whether
   * its steps can change the file; opening changes nothing.
   */
  void probeWritable(Path path) throws IOException {
    faults.before("open-for-write", path);
    FileChannel.open(path, StandardOpenOption.WRITE).close();
  }

  /**
   * Opens an existing file for writes that bypass the page cache (direct I/O), or returns null
   * where the file system cannot do that (tmpfs, for one) or needs another alignment than {@link
   * OpenFile#DIRECT_IO_BLOCK}; writes through it must keep to that alignment. Opening changes
   * nothing.
   */
  OpenFile openForDirectWrite(Path path) throws IOException {
    try {
      long block = Files.getFileStore(path).getBlockSize();
      if (block <= 0 || OpenFile.DIRECT_IO_BLOCK % block != 0) {
        return null;
      }
      return new OpenFile(
          faults,
          path,
          FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT));
    } catch (IOException | UnsupportedOperationException e) {
      // The file was opened for writing the ordinary way just before: what fails is direct I/O.
      return null;
    }
  }

  /**
   * Creates a new, empty file for writing.
   *
   * @throws FileAlreadyExistsException when {@code path} exists
   */
  OpenFile createNew(Path path) throws IOException {
    faults.before("create", path);
    return new OpenFile(
        faults,
        path,
        FileChannel.open(
            path,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE));
  }

  /** Reads {@code length} bytes at {@code offset} (fewer at the end of the file). */
  byte[] read(Path path, long offset, int length) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(length);
      while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
        // keep reading until full or end of file
      }
      return Arrays.copyOf(b.array(), b.position());
    }
  }

  /**
   * Creates a new journal file, locked by this process until the channel is closed.
   *
   * @throws FileAlreadyExistsException when it exists
   */
  FileChannel createLocked(Path path) throws IOException {
    faults.before("create", path);
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      if (ch.tryLock() == null) {
        throw new FileAlreadyExistsException(path.toString(), null, "locked by another process");
      }
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /** Appends to a journal and forces it to disk. */
  void append(FileChannel journal, Path path, byte[] bytes) throws IOException {
    faults.before("write", path);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long at = journal.size();
    while (b.hasRemaining()) {
      journal.write(b, at + b.position());
    }
    faults.before("force", path);
    journal.force(true);
  }

  /** Deletes a file. */
  void delete(Path path) throws IOException {
    faults.before("delete", path);
    Files.delete(path);
  }

  /** Forces a folder's entries (renames, creations) to disk. */
  void syncFolder(Path folder) throws IOException {
    faults.before("sync-folder", folder);
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Windows cannot open a folder as a channel; NTFS journals renames itself.
      if (!WINDOWS) {
        throw e;
      }
    }
  }
}
