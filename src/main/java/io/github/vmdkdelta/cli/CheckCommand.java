package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.ChainCheck;
import io.github.vmdkdelta.ops.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmdk-delta check DISK [--json]}. */
@ExplorerMenu(label = "Check", destructive = false)
@Command(
    name = "check",
    description = {
      "Check DISK, every disk of its chain and the links between them, and list every problem"
          + " found, one per line: damaged headers, descriptors or grain tables, redundant grain"
          + " directory disagreeing, grains outside the file or overlapping, CID or capacity"
          + " mismatches, missing parents, unsafe parent hints, a journal or temporary files left"
          + " by an interrupted vmdk-delta. Lines starting 'warning:' are worth knowing but do not"
          + " make the check fail.",
      "Exit code 0 when no problem is found, 3 when there is one. Nothing is changed."
    })
final class CheckCommand extends ChainReading {

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      return VmReadCommands.check(this, disk);
    }
    PrintWriter out = out();
    ChainCheck.Report report =
        ChainCheck.run(disk, root.has(GlobalOption.ALLOW_PARENT_OUTSIDE_FOLDER));
    if (json()) {
      out.println(Json.write(toJson(report)));
    } else {
      printText(report, out);
    }
    return report.errors().isEmpty() ? ExitCode.OK : ExitCode.CORRUPT;
  }

  /** The problems, one per line, and the summary. */
  static void printText(ChainCheck.Report report, PrintWriter out) {
    int errors = report.errors().size();
    int warnings = report.warnings().size();
    for (Problem p : report.problems()) {
      out.println((p.isError() ? "" : "warning: ") + p.describe());
    }
    List<Path> layers = report.layers();
    if (!layers.isEmpty()) {
      out.println(
          "Checked "
              + plural(layers.size(), "disk")
              + ", "
              + layers.get(0).getFileName()
              + (layers.size() > 1 ? " down to " + layers.get(layers.size() - 1).getFileName() : "")
              + ".");
    }
    String also = warnings == 0 ? "" : " (" + plural(warnings, "warning") + ")";
    out.println(
        errors == 0
            ? "No problems found" + also + "."
            : plural(errors, "problem") + " found" + also + ".");
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  static Map<String, Object> toJson(ChainCheck.Report report) {
    Map<String, Object> doc = Json.object();
    doc.put("schema_version", InfoCommand.JSON_SCHEMA_VERSION);
    doc.put("disk", report.disk().toString());
    doc.put("clean", report.clean());
    doc.put("errors", report.errors().size());
    doc.put("warnings", report.warnings().size());
    List<Object> layers = new ArrayList<>();
    report.layers().forEach(p -> layers.add(p.toString()));
    doc.put("layers", layers);
    List<Object> problems = new ArrayList<>();
    for (Problem p : report.problems()) {
      Map<String, Object> m = Json.object();
      m.put("severity", p.isError() ? "error" : "warning");
      m.put("file", p.file().toString());
      m.put("what", p.what());
      m.put("message", p.message());
      m.put("text", p.describe());
      problems.add(m);
    }
    doc.put("problems", problems);
    return doc;
  }
}
