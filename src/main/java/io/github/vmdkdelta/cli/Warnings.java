package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.Warning;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The words for what an operation warns of: one line each, and a JSON object (docs/json.md). */
final class Warnings {
  private Warnings() {}

  /** The line printed after {@code vmdk-delta: }. */
  static String text(Warning warning) {
    if (warning instanceof Warning.LockIgnored w) {
      return "warning: "
          + w.file()
          + ": ignoring the VMware lock ("
          + w.lock().describe()
          + "), as --force asks";
    } else if (warning instanceof Warning.CidMismatchDiscarded w) {
      return "warning: "
          + w.file()
          + ": parentCID: "
          + w.mismatch().message()
          + (w.operation().equals("revert")
              ? "; the new delta links to the parent as it is now"
              : "; the delta is " + w.operation() + "d anyway");
    } else if (warning instanceof Warning.RecoveredFirst w) {
      return w.report().describe();
    } else if (warning instanceof Warning.CleanupFailed w) {
      return "warning: could not " + w.step() + ": " + w.reason();
    } else if (warning instanceof Warning.JournalKept) {
      return "warning: the journal is kept; the next vmdk-delta run in this folder finishes";
    } else if (warning instanceof Warning.JournalNotRemoved w) {
      return "warning: could not remove the journal, the next run will: " + w.reason();
    } else if (warning instanceof Warning.VmxLineSkipped w) {
      return "warning: "
          + w.file().getFileName()
          + ": line "
          + w.line()
          + " skipped ("
          + w.problem()
          + "); it names no disk";
    }
    throw new IllegalArgumentException("no words for " + warning);
  }

  /**
   * The warning as a JSON object: {@code kind}, {@code file}, the facts of its kind, and {@code
   * text}, the line printed.
   */
  static Map<String, Object> json(Warning warning) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind(warning));
    m.put("file", warning.file().toString());
    if (warning instanceof Warning.LockIgnored w) {
      m.put("lock", w.lock().lockPath().toString());
      m.put("holders", w.lock().holders());
    } else if (warning instanceof Warning.CidMismatchDiscarded w) {
      m.put("parent_cid", w.mismatch().parentCid().toString());
      m.put("parent", w.mismatch().parent().toString());
      m.put("cid", w.mismatch().cid().toString());
    } else if (warning instanceof Warning.RecoveredFirst w) {
      m.put("operation", w.report().operation());
      m.put("outcome", w.report().outcome());
    } else if (warning instanceof Warning.CleanupFailed w) {
      m.put("step", w.step());
      m.put("reason", w.reason());
    } else if (warning instanceof Warning.JournalNotRemoved w) {
      m.put("reason", w.reason());
    } else if (warning instanceof Warning.VmxLineSkipped w) {
      m.put("line", w.line());
      m.put("problem", w.problem());
    }
    m.put("text", text(warning));
    return m;
  }

  /** {@code lock_ignored}, ...: the record's name in snake case. */
  static String kind(Warning warning) {
    return warning.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
  }

  /** {@link #json} of each. */
  static List<Map<String, Object>> json(List<Warning> warnings) {
    return warnings.stream().map(Warnings::json).toList();
  }
}
