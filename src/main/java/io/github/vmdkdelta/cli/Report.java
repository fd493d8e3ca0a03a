package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.JournalStatus;
import io.github.vmdkdelta.ops.Plan;
import io.github.vmdkdelta.ops.Warning;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the commands that change disks print: warnings on stderr, the plan of a dry run, the
 * outcome; with {@code --json}, the same as one document on stdout (the warnings still on stderr).
 */
final class Report {
  private final PrintWriter out;
  private final PrintWriter err;
  private final String operation;
  private final Path disk;
  private final boolean json;

  Report(PrintWriter out, PrintWriter err, String operation, Path disk, boolean json) {
    this.out = out;
    this.err = err;
    this.operation = operation;
    this.disk = disk;
    this.json = json;
  }

  /** Each warning or note as one stderr line. */
  void warnings(List<Warning> warnings) {
    warnings.forEach(w -> err.println("vmdk-delta: " + Warnings.text(w)));
  }

  /**
   * Before a dry run plans: a pending journal means the folder may be half-way through an
   * operation, which planning may then refuse; the note says why.
   */
  void notePendingJournal(Path disk) {
    notePendingJournal(err, disk);
  }

  /** {@link #notePendingJournal(Path)}, on {@code err}. */
  static void notePendingJournal(PrintWriter err, Path disk) {
    JournalStatus journal = JournalStatus.of(disk);
    if (journal.running()) {
      err.println(
          "vmdk-delta: note: "
              + journal.describe()
              + "; the real run would refuse until it has finished");
    } else if (journal.state() == JournalStatus.State.INTERRUPTED) {
      err.println(
          "vmdk-delta: note: an interrupted operation left a journal in this folder; the real run"
              + " recovers it first");
    }
  }

  /** A dry run: the warnings, a headline and the steps. */
  void dryRun(String headline, List<Warning> warnings, Plan plan) {
    warnings(warnings);
    if (json) {
      out.println(Json.write(document(true, headline, plan.describe(), warnings)));
      return;
    }
    out.println(headline + ":");
    plan.describe().forEach(line -> out.println("  " + line));
  }

  /** The outcome of a real run, after its warnings. */
  void done(List<Warning> warnings, String outcome) {
    warnings(warnings);
    out.println(json ? Json.write(document(false, outcome, List.of(), warnings)) : outcome);
  }

  private Map<String, Object> document(
      boolean dryRun, String outcome, List<String> steps, List<Warning> warnings) {
    Map<String, Object> doc = Json.object();
    doc.put("schema_version", InfoCommand.JSON_SCHEMA_VERSION);
    doc.put("operation", operation);
    doc.put("disk", disk.toString());
    doc.put("dry_run", dryRun);
    doc.put("outcome", outcome);
    doc.put("steps", steps);
    doc.put("warnings", Warnings.json(warnings));
    return doc;
  }
}
