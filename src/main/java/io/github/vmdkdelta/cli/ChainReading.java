package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A subcommand that reads the chain of a disk and changes nothing (info, check): its DISK, and
 * whether it prints a JSON document (docs/json.md) instead of text ({@code --json}).
 */
abstract class ChainReading extends FileCommand {
  ChainReading() {
    super("DISK", new String[] {"--json"});
  }

  @Option(
      names = "--json",
      description = "Print a JSON document (docs/json.md) instead of the text.")
  void json(boolean on) {
    set("--json", on);
  }

  @Parameters(
      paramLabel = "DISK",
      description =
          "The .vmdk file (a delta or a base disk), or a VM's .vmx: each of the disks its snapshot"
              + " covers.")
  void disk(Path disk) {
    this.disk = disk;
  }

  /** Whether --json was given. */
  boolean json() {
    return has("--json");
  }
}
