package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Recovery;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta make DISK}. */
@ExplorerMenu(
    label = "Make snapshot",
    destructive = true,
    question = "Make a snapshot of %s (keep the disk as it is now; new writes go to a new delta)?")
@Command(
    name = "make",
    mixinStandardHelpOptions = true,
    description = {
      "Freeze DISK and put an empty delta in its place.",
      "DISK is renamed <name>-NNNNNN.vmdk (NNNNNN: how many ancestors it has) and a new delta"
          + " named DISK is created on it, so the VM's .vmx needs no change."
    },
    footer = {"", ExitCode.HELP_TABLE})
final class MakeCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DISK", description = "The .vmdk file to snapshot.")
  Path disk;

  @Override
  public Integer call() throws Exception {
    MakeDelta make = new MakeDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    var out = spec.commandLine().getOut();
    if (root.dryRun) {
      if (Recovery.pending(disk)) {
        spec.commandLine()
            .getErr()
            .println(
                "vmdk-delta: note: an interrupted operation left a journal in this folder; the"
                    + " real run recovers it first");
      }
      MakeDelta.MakePlan plan = make.plan(disk);
      plan.warnings().forEach(w -> spec.commandLine().getErr().println("vmdk-delta: " + w));
      out.println(
          "would make a delta on "
              + disk
              + " (parent "
              + plan.frozen().getFileName()
              + ", CID "
              + plan.parentCid()
              + "):");
      plan.plan().describe().forEach(line -> out.println("  " + line));
      return ExitCode.OK;
    }
    MakeDelta.MakeResult result = make.run(disk);
    result.warnings().forEach(w -> spec.commandLine().getErr().println("vmdk-delta: " + w));
    out.println(
        disk
            + ": snapshot made; the disk as it was is frozen in "
            + result.frozen().getFileName()
            + ", new writes go to "
            + disk.getFileName()
            + " (CID "
            + result.childCid()
            + ")");
    return ExitCode.OK;
  }
}
