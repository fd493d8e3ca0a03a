package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.SafeFileOperations;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a run of the command line takes from the system it runs on: the file layer the disk commands
 * change files through, the terminal it asks on, whether stderr shows progress and after how long,
 * the clock, the operating system and the Windows registry. {@link Main} runs with {@link
 * #system()}; tests start a run with their own (a file layer with a fault injector, a fake
 * terminal, a registry that records), in process or as a process of their own from test code, so
 * that the shipped jar holds no switch for them.
 *
 * @param fileOperations a new file layer for each operation
 * @param terminal where questions are asked and Enter is waited for
 * @param stderrIsTerminal whether stderr is a terminal (progress is shown only there)
 * @param progressDelayNanos how long a merge runs before its progress shows
 * @param clock nanoseconds, as {@link System#nanoTime()}
 * @param onWindows whether this is Windows (the registry exists only there)
 * @param registryImport how a .reg file goes into the registry
 */
record Environment(
    Supplier<SafeFileOperations> fileOperations,
    Terminal terminal,
    BooleanSupplier stderrIsTerminal,
    long progressDelayNanos,
    LongSupplier clock,
    boolean onWindows,
    IntegrateCommand.RegistryImport registryImport) {

  /** The system this process runs on. */
  static Environment system() {
    return new Environment(
        SafeFileOperations::new,
        Terminal.system(),
        ProgressMeter::stderrIsTerminal,
        ProgressMeter.DEFAULT_DELAY_NANOS,
        System::nanoTime,
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows"),
        IntegrateCommand::regExeImport);
  }

  /** This environment with another terminal. */
  Environment withTerminal(Terminal terminal) {
    return new Environment(
        fileOperations,
        terminal,
        stderrIsTerminal,
        progressDelayNanos,
        clock,
        onWindows,
        registryImport);
  }
}
