package io.github.vmdkdelta.cli;

/**
 * A subcommand that changes the files of one disk's chain (make, delete, revert, commit): with
 * {@code --dry-run} it notes a pending journal and shows its plan; otherwise it says what an
 * interruption would leave ({@link InterruptNotice}), then runs.
 */
abstract class DiskChange extends FileCommand {
  DiskChange(String[]... flags) {
    super("DISK", flags);
  }

  /** Plans and shows the plan, changing nothing. */
  abstract void dryRun(Report report) throws Exception;

  /** Does it and reports the outcome. */
  abstract void run(Report report) throws Exception;

  @Override
  public final Integer call() throws Exception {
    Report report = new Report(out(), err());
    if (root.has(GlobalOption.DRY_RUN)) {
      report.notePendingJournal(disk);
      dryRun(report);
      return ExitCode.OK;
    }
    InterruptNotice.watch(name(), disk);
    run(report);
    return ExitCode.OK;
  }
}
