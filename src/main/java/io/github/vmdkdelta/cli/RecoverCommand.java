package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.Recovery;
import io.github.vmdkdelta.ops.RecoveryPreview;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vmdk-delta recover DIR}. */
@Command(
    name = "recover",
    description = {
      "Finish or undo an operation that was interrupted in folder DIR (power cut, killed process).",
      "Any other command on a disk in DIR does this first by itself."
    })
final class RecoverCommand extends FileCommand {
  @Parameters(paramLabel = "DIR", description = "The folder of the disk.")
  void folder(Path folder) {
    this.disk = folder;
  }

  RecoverCommand() {
    super("DIR");
  }

  @Override
  public Integer call() throws Exception {
    Path folder = disk;
    if (!Files.isDirectory(folder)) {
      throw new NoSuchFileException(folder.toString());
    }
    if (root.has(GlobalOption.DRY_RUN)) {
      Optional<RecoveryPreview> preview = RecoveryPreview.of(folder);
      PrintWriter out = out();
      if (preview.isEmpty()) {
        out.println(folder + ": nothing to recover");
        return ExitCode.OK;
      }
      RecoveryPreview p = preview.get();
      out.println(
          "would " + p.action() + " the interrupted '" + p.operation() + "' of " + p.disk() + ":");
      p.steps().forEach(line -> out.println("  " + line));
      return ExitCode.OK;
    }
    InterruptNotice.watchRecovery(folder);
    Optional<Recovery.Report> report =
        new Recovery(root.environment.fileOperations()).recoverFolder(folder);
    out().println(report.map(Recovery.Report::describe).orElse(folder + ": nothing to recover"));
    return ExitCode.OK;
  }
}
