package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.DeleteDelta;
import io.github.vmdkdelta.ops.Recovery;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta delete DISK}. */
@ExplorerMenu(
    label = "Delete snapshot",
    destructive = true,
    question = "Delete the snapshot of %s and lose the changes made since?")
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Throw the delta DISK away and give its parent DISK's name back.",
      "Everything written to DISK since 'make' is lost: the disk is as it was at the snapshot."
    },
    footer = {"", ExitCode.HELP_TABLE})
final class DeleteCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DISK", description = "The delta .vmdk file to throw away.")
  Path disk;

  @Override
  public Integer call() throws Exception {
    DeleteDelta delete = new DeleteDelta(TestHooks.fileOperations(), root.options());
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    if (root.dryRun) {
      if (Recovery.pending(disk)) {
        spec.commandLine()
            .getErr()
            .println(
                "vmdk-delta: note: an interrupted operation left a journal in this folder; the"
                    + " real run recovers it first");
      }
      DeleteDelta.DeletePlan plan = delete.plan(disk);
      plan.warnings().forEach(w -> err.println("vmdk-delta: " + w));
      out.println(
          "would delete the delta " + disk + " and restore " + plan.parent().getFileName() + ":");
      plan.plan().describe().forEach(line -> out.println("  " + line));
      return ExitCode.OK;
    }
    DeleteDelta.DeleteResult result = delete.run(disk);
    result.warnings().forEach(w -> err.println("vmdk-delta: " + w));
    out.println(
        disk
            + ": snapshot deleted; "
            + result.restoredFrom().getFileName()
            + " is back as "
            + disk.getFileName());
    return ExitCode.OK;
  }
}
