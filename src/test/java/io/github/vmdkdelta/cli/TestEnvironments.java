package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.testing.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Environments for in-process runs of the command line, and a run in one. */
final class TestEnvironments {
  private TestEnvironments() {}

  /** This system, with stderr a terminal or not and progress shown at once. */
  static Environment progress(boolean stderrIsTerminal) {
    Environment s = Environment.system();
    return new Environment(
        s.fileOperations(),
        s.terminal(),
        () -> stderrIsTerminal,
        0,
        s.clock(),
        s.onWindows(),
        s.registryImport());
  }

  /** This system, said to be Windows or not, with this registry. */
  static Environment windows(boolean onWindows, IntegrateCommand.RegistryImport registry) {
    Environment s = Environment.system();
    return new Environment(
        s.fileOperations(),
        s.terminal(),
        s.stderrIsTerminal(),
        s.progressDelayNanos(),
        s.clock(),
        onWindows,
        registry);
  }

  /** Runs {@code vmdk-delta args...} in {@code environment}. */
  static Cli run(Environment environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
