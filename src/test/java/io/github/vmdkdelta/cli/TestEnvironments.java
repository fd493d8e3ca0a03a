package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.testing.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Environments for in-process runs of the command line, and a run in one. */
final class TestEnvironments {
  private TestEnvironments() {}

  /** This system, with stderr a terminal or not and progress shown at once. */
  static Environment progress(boolean stderrIsTerminal) {
    return new Environment() {
      @Override
      boolean stderrIsTerminal() {
        return stderrIsTerminal;
      }

      @Override
      long progressDelayNanos() {
        return 0;
      }
    };
  }

  /** A .reg file's way into the registry. */
  interface Registry {
    void importFile(Path regFile) throws IOException;
  }

  /** This system, said to be Windows or not, with this registry. */
  static Environment windows(boolean onWindows, Registry registry) {
    return new Environment() {
      @Override
      boolean onWindows() {
        return onWindows;
      }

      @Override
      void importRegistry(Path regFile) throws IOException {
        registry.importFile(regFile);
      }
    };
  }

  /** Runs {@code vmdk-delta args...} in {@code environment}. */
  static Cli run(Environment environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
