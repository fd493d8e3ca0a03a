package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Whether a folder holds a journal, and whether the operation that wrote it is still running: the
 * process that runs an operation holds the journal's lock until it ends, so a journal nobody holds
 * was left by a process that died. Looking changes nothing.
 *
 * @param state none, running or interrupted
 * @param operation make, delete, ..., or null when the journal does not say (yet)
 * @param disk the disk's name as the journal gives it, or null
 */
public record JournalStatus(JournalStatus.State state, String operation, String disk) {
  /** What the journal and its lock say about the operation. */
  public enum State {
    /** No journal. */
    NONE,
    /** A live vmdk-delta holds the journal: its operation is under way. */
    RUNNING,
    /** The journal is there but nobody holds it: its operation was interrupted. */
    INTERRUPTED
  }

  /** The journal of the folder of {@code disk}. */
  public static JournalStatus of(Path disk) {
    return ofJournal(Journal.pathFor(disk));
  }

  /**
   * Whether this process holds the journal of {@code folder}: empty if not, else whether its
   * operation is past its commit point (every step done, only the clean-up left).
   */
  public static Optional<Boolean> heldHere(Path folder) {
    return Journal.heldHere(folder.resolve(Journal.NAME)).map(Journal.Held::committed);
  }

  /** True when {@code folder} holds a journal (looking at its name only). */
  public static boolean present(Path folder) {
    return Files.exists(folder.resolve(Journal.NAME), LinkOption.NOFOLLOW_LINKS);
  }

  /** True for {@link State#RUNNING}. */
  public boolean running() {
    return state == State.RUNNING;
  }

  /** One line for the user, without the {@code vmdk-delta: } prefix; empty for NONE. */
  public String describe() {
    String which = operation == null ? "" : " (" + operation + " on " + disk + ")";
    return switch (state) {
      case NONE -> "";
      case RUNNING -> "another vmdk-delta is running in this folder" + which;
      case INTERRUPTED -> "an interrupted operation" + which + " left a journal in this folder";
    };
  }

  static JournalStatus ofJournal(Path journal) {
    if (!Files.exists(journal, LinkOption.NOFOLLOW_LINKS)) {
      return new JournalStatus(State.NONE, null, null);
    }
    Optional<Journal.Held> held = Journal.heldHere(journal);
    if (held.isPresent()) {
      // Never open a journal this process holds: closing the channel would drop its lock.
      return new JournalStatus(
          State.RUNNING, held.get().operation(), held.get().disk().getFileName().toString());
    }
    boolean running;
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ)) {
      // A shared lock: it fails while the running process holds its exclusive one.
      FileLock lock;
      try {
        lock = ch.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another channel of this process
      }
      running = lock == null;
      if (lock != null) {
        lock.release();
      }
    } catch (NoSuchFileException e) {
      return new JournalStatus(State.NONE, null, null);
    } catch (IOException e) {
      running = false; // unreadable: recovery says why
    }
    return withOperation(running ? State.RUNNING : State.INTERRUPTED, journal);
  }

  /** The status with the operation and disk the journal names, when it can be read. */
  static JournalStatus withOperation(State state, Path journal) {
    String[] what = null;
    try {
      what = JournalFormat.operationAndDisk(readHead(journal));
    } catch (IOException e) {
      // Windows: a running process's lock keeps others from reading. The names are a detail.
    }
    return new JournalStatus(state, what == null ? null : what[0], what == null ? null : what[1]);
  }

  /** The first bytes of a journal, enough for its operation line. */
  private static String readHead(Path journal) throws IOException {
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4096);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // until full or at the end
      }
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }
  }
}
