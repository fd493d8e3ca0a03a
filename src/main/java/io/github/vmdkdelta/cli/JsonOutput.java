package io.github.vmdkdelta.cli;

import picocli.CommandLine.Option;

/** {@code --json} of the commands that change disks (docs/json.md). */
final class JsonOutput {
  @Option(
      names = "--json",
      description =
          "Print a JSON document (docs/json.md) instead of the outcome: what was done or planned,"
              + " and the warnings.")
  boolean json;
}
