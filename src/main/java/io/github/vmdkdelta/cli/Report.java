package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.JournalStatus;
import io.github.vmdkdelta.ops.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** What the disk commands print: warnings on stderr, the plan of a dry run, the outcome. */
final class Report {
  private final PrintWriter out;
  private final PrintWriter err;

  Report(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /** Each warning or note as one stderr line. */
  void warnings(List<String> warnings) {
    warnings.forEach(w -> err.println("vmdk-delta: " + w));
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
  void dryRun(String headline, List<String> warnings, Plan plan) {
    warnings(warnings);
    out.println(headline + ":");
    plan.describe().forEach(line -> out.println("  " + line));
  }

  /** The outcome of a real run, after its warnings. */
  void done(List<String> warnings, String outcome) {
    warnings(warnings);
    out.println(outcome);
  }
}
