package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.Recovery;
import io.github.vmdkdelta.ops.RevertDelta;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta revert DISK}. */
@ExplorerMenu(
    label = "Revert to snapshot",
    destructive = true,
    question = "Revert %s to its snapshot and lose the changes made since?")
@Command(
    name = "revert",
    mixinStandardHelpOptions = true,
    description = {
      "Go back to the snapshot and keep it: replace the delta DISK with a new, empty one.",
      "Everything written to DISK since its snapshot is lost; the frozen parent stays as it is,"
          + " ready for the next revert. The same as delete then make, as one transaction."
    },
    footer = {"", ExitCode.HELP_TABLE})
final class RevertCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DISK", description = "The delta .vmdk file to empty.")
  Path disk;

  @Override
  public Integer call() throws Exception {
    RevertDelta revert =
        new RevertDelta(TestHooks.fileOperations(), new SecureRandom(), root.options());
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    if (root.dryRun) {
      if (Recovery.pending(disk)) {
        err.println(
            "vmdk-delta: note: an interrupted operation left a journal in this folder; the"
                + " real run recovers it first");
      }
      RevertDelta.RevertPlan plan = revert.plan(disk);
      plan.warnings().forEach(w -> err.println("vmdk-delta: " + w));
      out.println("would revert " + disk + " to its snapshot " + plan.parent().getFileName() + ":");
      plan.plan().describe().forEach(line -> out.println("  " + line));
      return ExitCode.OK;
    }
    RevertDelta.RevertResult result = revert.run(disk);
    result.warnings().forEach(w -> err.println("vmdk-delta: " + w));
    out.println(
        disk
            + ": reverted to the snapshot in "
            + result.parent().getFileName()
            + "; "
            + disk.getFileName()
            + " is a new, empty delta");
    return ExitCode.OK;
  }
}
