package io.github.vmdkdelta.archfixture.ops;

import io.github.vmdkdelta.archfixture.vmdk.Format;
import picocli.CommandLine;

/** An operation that uses picocli, prints, exits, halts and prints a stack trace. */
public class Verb {
  /** Down a layer, as allowed (but Format points back up). */
  public Format format;

  /** picocli outside the CLI. */
  public CommandLine commandLine;

  /** Everything the core must not do. */
  public void run(Exception e) {
    System.out.println("printed");
    System.err.println("printed");
    e.printStackTrace();
    System.exit(3);
    Runtime.getRuntime().exit(3);
    Runtime.getRuntime().halt(3);
  }
}
