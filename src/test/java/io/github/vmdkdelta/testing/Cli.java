package io.github.vmdkdelta.testing;

import io.github.vmdkdelta.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the command line in-process and keeps what it printed.
 *
 * @param code exit code
 * @param out standard output
 * @param err standard error
 */
public record Cli(int code, String out, String err) {
  /** Runs {@code vmdk-delta args...}. */
  public static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** Standard error split into lines. */
  public String[] errLines() {
    return err.isEmpty() ? new String[0] : err.split("\n");
  }
}
