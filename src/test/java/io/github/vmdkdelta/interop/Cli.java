package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs vmdk-delta the way a user does, through {@code Main.run}. */
final class Cli {
  private Cli() {}

  /** {@code vmdk-delta VERB DISK}; it must succeed without a word on stderr. */
  static void run(String verb, Path disk) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), verb, disk.toString());
    assertThat(code).as("vmdk-delta %s %s: %s%s", verb, disk, out, err).isZero();
    assertThat(err.toString()).as("vmdk-delta %s %s stderr", verb, disk).isEmpty();
  }
}
