package io.github.vmdkdelta.ops;

import java.nio.file.Path;
import java.util.List;

/** An operation's checked plan: what it will change, nothing changed yet. */
public interface PlannedOperation {
  /** The disk it changes (for a whole VM: its {@code .vmx}). */
  Path disk();

  /** Its file steps. */
  Plan plan();

  /** What the checks went ahead despite. */
  List<Warning> warnings();

  /** Bytes the plan may add to the folder, checked free before it runs. */
  long spaceNeeded();
}
