package io.github.vmdkdelta.archfixture.cli;

import io.github.vmdkdelta.archfixture.ops.Verb;
import picocli.CommandLine;

/** What the real cli.Main may do: picocli, System.out and System.exit. */
public class Main {
  /** The entry point. */
  public static void main(String[] args) {
    System.out.println(new CommandLine(new Verb()).getCommandName());
    System.exit(0);
  }
}
