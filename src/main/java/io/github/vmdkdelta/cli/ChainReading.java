package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/**
 * A subcommand that reads the chain of a disk and changes nothing (info, check): its DISK, and
 * whether it prints a JSON document (docs/json.md) instead of text ({@code --json}, declared by
 * each with its own help).
 */
abstract class ChainReading extends FileCommand {
  ChainReading() {
    super("DISK", new String[] {"--json"});
  }

  @Parameters(paramLabel = "DISK", description = "The .vmdk file (a delta or a base disk).")
  void disk(Path disk) {
    this.disk = disk;
  }

  /** Whether --json was given. */
  boolean json() {
    return has("--json");
  }
}
