package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.JournalStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one line a command that changes files prints when Ctrl-C (SIGINT) or a plain kill (SIGTERM)
 * stops it: what was interrupted, and what the next run does about it. Nothing is undone here: the
 * journal stays, exactly as after a power cut, and the next vmdk-delta run in the folder (or {@code
 * recover}) rolls the operation back or completes it; undoing in a shutdown hook would race with
 * the operation's own thread, which keeps running until the JVM halts.
 */
final class InterruptNotice {
  private static volatile String operation;
  private static volatile Path disk;
  private static volatile Path folder;
  private static volatile boolean over;

  private InterruptNotice() {}

  /** Called by {@link Main#main} only: in-process runs (tests, library use) print nothing. */
  static void install(PrintWriter err) {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(new Notice(err), "vmdk-delta interrupt notice"));
  }

  /** The shutdown hook (a class, not a lambda: its bootstrap costs start-up time). */
  private record Notice(PrintWriter err) implements Runnable {
    @Override
    public void run() {
      String line = line();
      if (line != null) {
        if (ProgressMeter.stderrIsTerminal()) {
          err.println(); // after the progress line or the terminal's ^C
        }
        err.println("vmdk-delta: " + line);
        err.flush();
      }
    }
  }

  /** The command about to change files: {@code operation} on {@code disk}. */
  static void watch(String operation, Path disk) {
    InterruptNotice.operation = operation;
    InterruptNotice.disk = disk;
    InterruptNotice.folder = Path.of(InfoCommand.folderOf(disk));
  }

  /** {@code recover} about to change files in {@code folder}. */
  static void watchRecovery(Path folder) {
    InterruptNotice.operation = "recover";
    InterruptNotice.disk = null;
    InterruptNotice.folder = folder;
  }

  /** The command has returned: an exit from here on is no interruption. */
  static void over() {
    over = true;
  }

  /** The notice, or null when nothing was being changed. */
  static String line() {
    Path f = folder;
    if (over || f == null) {
      return null;
    }
    String what = disk == null ? "the recovery in " + f : "the " + operation + " of " + disk;
    String next = "the next vmdk-delta command in this folder, or 'vmdk-delta recover " + f + "', ";
    Optional<Boolean> held = JournalStatus.heldHere(f);
    if (held.isPresent()) {
      return held.get()
          ? "interrupted: " + what + " was done but not cleaned up; " + next + "finishes it"
          : "interrupted: " + what + " did not finish; " + next + "rolls it back";
    }
    if (JournalStatus.present(f)) {
      return "interrupted: " + what + " did not finish; " + next + "takes it up again";
    }
    return "interrupted: " + what + " was stopped; nothing is left half-done";
  }
}
