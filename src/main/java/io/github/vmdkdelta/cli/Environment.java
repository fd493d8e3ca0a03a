package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.SafeFileOperations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a run of the command line takes from the system it runs on: the file layer the disk commands
 * change files through, the terminal it asks on, whether stderr shows progress and after how long,
 * the clock, the operating system and the Windows registry. {@link Main} runs in this one, the
 * system's; tests run in a subclass with their own (a file layer with a fault injector, a fake
 * terminal, a registry that records), in process or as a process of their own started from test
 * code, so that the shipped jar holds no switch for them. Methods rather than functional fields: a
 * lambda on the way to every command costs start-up time (docs/startup.md).
 */
class Environment {
  private static final Environment SYSTEM = new Environment();

  /** The system this process runs on. */
  static Environment system() {
    return SYSTEM;
  }

  /** A new file layer, for one operation. */
  SafeFileOperations fileOperations() {
    return new SafeFileOperations();
  }

  /** Where questions are asked and Enter is waited for. */
  Terminal terminal() {
    return Terminal.system();
  }

  /** Whether stderr is a terminal: progress is shown only there. */
  boolean stderrIsTerminal() {
    return ProgressMeter.stderrIsTerminal();
  }

  /** How long a merge runs before its progress shows. */
  long progressDelayNanos() {
    return ProgressMeter.DEFAULT_DELAY_NANOS;
  }

  /** Nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime() {
    return System.nanoTime();
  }

  /** Whether this is Windows (the registry exists only there). */
  boolean onWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /** Puts a .reg file into the registry. */
  void importRegistry(Path regFile) throws IOException {
    IntegrateCommand.regExeImport(regFile);
  }
}
