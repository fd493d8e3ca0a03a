package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The journal of one operation: a hidden file in the disk's folder, created before the first change
 * and removed after the last, locked by the process that runs the operation. While it exists and is
 * locked, another vmdk-delta refuses the disk; when it exists unlocked, the process that wrote it
 * died, and {@link Recovery} finishes or undoes its work.
 */
final class Journal implements Closeable {
  private final SafeFileOperations ops;
  private final Path path;
  private final FileChannel channel;
  private boolean removed;

  /**
   * The journals this process holds, by absolute path, with their operation and disk. Nothing in
   * this process may open a held journal to look at it: closing any channel of a file drops every
   * lock the process has on it (POSIX record locks), which would let another process recover an
   * operation that is still running.
   */
  private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

  /** A journal this process holds; {@code committed} once every step is done. */
  record Held(String operation, Path disk, boolean committed) {}

  private Journal(SafeFileOperations ops, Path path, FileChannel channel) {
    this.ops = ops;
    this.path = path;
    this.channel = channel;
  }

  /** The journal's name: one per folder, so one operation at a time changes a folder. */
  static final String NAME = ".vmdk-delta-journal";

  /** Where the journal of operations on {@code disk} is kept: in its folder. */
  static Path pathFor(Path disk) {
    return disk.resolveSibling(NAME);
  }

  /**
   * Creates and locks the journal of {@code disk}.
   *
   * @throws DiskInUseException when another operation on the disk holds it
   */
  static Journal begin(SafeFileOperations ops, Path disk, String operation) throws IOException {
    Path path = pathFor(disk);
    FileChannel ch;
    try {
      ch = ops.createLocked(path);
    } catch (FileAlreadyExistsException e) {
      throw new DiskInUseException(
          disk,
          "journal",
          "another vmdk-delta is running in this folder ("
              + path.getFileName()
              + " is held); wait for it to finish");
    }
    Journal journal = new Journal(ops, path, ch);
    HELD.put(key(path), new Held(operation, disk, false));
    try {
      journal.append(JournalFormat.header(operation, disk));
    } catch (IOException | RuntimeException e) {
      journal.abandon(e);
      HELD.remove(key(path));
      throw e;
    } catch (Error e) {
      // Dying (out of memory, or a test's simulated crash): leave the journal for recovery, but
      // release the lock as the operating system would.
      ch.close();
      HELD.remove(key(path));
      throw e;
    }
    return journal;
  }

  /** Records the whole plan; no step may start before this returns. */
  void writePlan(Plan plan) throws IOException {
    append(JournalFormat.plan(plan));
    ops.syncFolder(path.toAbsolutePath().getParent());
  }

  /** Records that step {@code index} of the plan is done. */
  void markDone(int index) throws IOException {
    append("done " + index + "\n");
  }

  /** Records that step {@code index} of the plan is undone. */
  void markUndone(int index) throws IOException {
    append("undone " + index + "\n");
  }

  /** Records that every step is done: from here on, recovery completes instead of undoing. */
  void markCommitted() throws IOException {
    append(JournalFormat.COMMITTED + "\n");
    HELD.computeIfPresent(key(path), (k, h) -> new Held(h.operation(), h.disk(), true));
  }

  /** The journal at {@code path} if this process holds it and has not removed it. */
  static Optional<Held> heldHere(Path path) {
    return Optional.ofNullable(HELD.get(key(path)));
  }

  private static Path key(Path path) {
    return path.toAbsolutePath().normalize();
  }

  private void append(String text) throws IOException {
    ops.append(channel, path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The same journal, written through other operations (rollback writes without faults). */
  Journal withOperations(SafeFileOperations other) {
    return new Journal(other, path, channel);
  }

  /** A journal reopened by recovery, to record its progress. */
  static Journal reopened(SafeFileOperations ops, Path path, FileChannel channel) {
    return new Journal(ops, path, channel);
  }

  /** Removes the journal: the operation is over, done or undone. */
  void remove() throws IOException {
    ops.delete(path);
    removed = true;
    HELD.remove(key(path));
    ops.syncFolder(path.toAbsolutePath().getParent());
  }

  /** Removes a journal that never got a plan, ignoring failures (they are added to {@code e}). */
  private void abandon(Exception e) {
    try {
      channel.close();
      ops.withoutFaults().delete(path);
      removed = true;
    } catch (IOException cleanup) {
      e.addSuppressed(cleanup);
    }
  }

  /** Releases the lock; a journal not removed stays for recovery. */
  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      HELD.remove(key(path));
    }
    channel.close();
  }

  /** The folder the journal is in. */
  Path folder() {
    return path.toAbsolutePath().getParent();
  }

  boolean removed() {
    return removed;
  }
}
