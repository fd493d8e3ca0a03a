package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.ops.FaultInjector;
import io.github.vmdkdelta.ops.SafeFileOperations;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The file changes at which the process-kill ITs kill the real process. Every change crashed in
 * turn is swept in-process (ops/FaultInjectionTest, CommitFaultInjectionTest, PowerCutTest), where
 * a crash costs no JVM start; a real process adds what those cannot show (the JVM gone between two
 * system calls, a fresh process recovering), which a few points show as well as all of them: the
 * first change, the middle one, the last one, and the first change of each kind (create, write,
 * set-length, force, rename, unlink, sync-folder, delete, ...), so that every kind of step is still
 * killed at least once in a real process.
 *
 * <p>The kinds are recorded from an in-process run of the same operation on a copy of the same
 * folder; {@link #expect} checks that the process agrees (it halts at every chosen point, and a run
 * halted one change after the last completes), so that a drift between the two fails the test
 * instead of silently moving the kill points.
 */
final class KillPoints {
  interface Operation {
    void run(SafeFileOperations ops, Path folder) throws IOException;
  }

  private final List<String> actions;
  private final List<Path> paths;

  private KillPoints(List<String> actions, List<Path> paths) {
    this.actions = List.copyOf(actions);
    this.paths = List.copyOf(paths);
  }

  /** Records the file changes of {@code operation} run on a copy of {@code template}. */
  static KillPoints record(Path template, Path root, String name, Operation operation)
      throws IOException {
    Path folder = TestFolders.copyOf(template, root, name);
    List<String> actions = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    FaultInjector recorder =
        (action, path) -> {
          actions.add(action);
          paths.add(path);
        };
    operation.run(new SafeFileOperations(recorder), folder);
    return new KillPoints(actions, paths);
  }

  /** How many file changes the operation makes. */
  int count() {
    return actions.size();
  }

  /** The middle file change (1-based). */
  int middle() {
    return (count() + 1) / 2;
  }

  /**
   * The chosen points (1-based, ascending), then {@code count() + 1}: a run whose halt never comes,
   * which must complete.
   */
  List<Integer> chosen() {
    Map<String, Integer> firstOfKind = new LinkedHashMap<>();
    for (int i = 0; i < actions.size(); i++) {
      firstOfKind.putIfAbsent(actions.get(i), i + 1);
    }
    TreeSet<Integer> points = new TreeSet<>(firstOfKind.values());
    points.add(1);
    points.add(middle());
    points.add(count());
    points.add(count() + 1);
    return List.copyOf(points);
  }

  /**
   * {@link #chosen}, and the first file change of every step of the plan: the change after each
   * forced write of the journal (the plan, then a step's mark), so that the process is killed once
   * inside every step.
   */
  List<Integer> everyStep() {
    TreeSet<Integer> points = new TreeSet<>(chosen());
    for (int i = 0; i + 1 < actions.size(); i++) {
      if (actions.get(i).equals("force")
          && paths.get(i).getFileName().toString().equals(".vmdk-delta-journal")) {
        points.add(i + 2);
      }
    }
    return List.copyOf(points);
  }

  /** What the operation does at point {@code k}, for messages. */
  String kind(int k) {
    return k <= count() ? actions.get(k - 1) : "(none: runs to the end)";
  }

  /** The process run with a halt at {@code k} halted there, or, past the last change, completed. */
  void expect(int k, ExternalTools.Result run) {
    if (k <= count()) {
      assertThat(run.exitCode())
          .as("halted before file change %d of %d (%s): %s", k, count(), kind(k), run.output())
          .isEqualTo(TestMain.HALT_STATUS);
    } else {
      run.expectSuccess();
    }
  }

  @Override
  public String toString() {
    return count() + " file changes " + actions + ", killed at " + chosen();
  }
}
