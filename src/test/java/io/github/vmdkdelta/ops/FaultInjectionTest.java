package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fails every file primitive of {@code make} and {@code delete} in turn, once as an error (the
 * operation must roll back: folder exactly as before) and once as a crash (no rollback; recovery
 * from the journal must leave the folder exactly as before or exactly as after).
 */
class FaultInjectionTest {
  private static final long SEED = 20261125L;

  @TempDir Path root;

  /** Thrown by the injector to stop like a killed process: no catch block of ours sees it. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("simulated crash", null, false, false);
    }
  }

  /** Counts primitives, and fails the k-th as asked. */
  static final class FailAt implements FaultInjector {
    final int k;
    final boolean crash;
    final AtomicInteger count = new AtomicInteger();

    FailAt(int k, boolean crash) {
      this.k = k;
      this.crash = crash;
    }

    @Override
    public void before(String action, Path path) throws IOException {
      if (count.incrementAndGet() == k) {
        if (crash) {
          throw new SimulatedCrash();
        }
        throw new IOException("injected failure at " + action + " " + path.getFileName());
      }
    }
  }

  interface Operation {
    void run(SafeFileOperations ops, Path folder) throws IOException;
  }

  private static final Operation MAKE =
      (ops, folder) ->
          new MakeDelta(ops, new SplittableRandom(SEED), Options.DEFAULT)
              .run(folder.resolve("sd0.vmdk"));

  private static final Operation DELETE =
      (ops, folder) -> new DeleteDelta(ops, Options.DEFAULT).run(folder.resolve("sd0.vmdk"));

  private static final Operation REVERT =
      (ops, folder) ->
          new RevertDelta(ops, new SplittableRandom(SEED + 1), Options.DEFAULT)
              .run(folder.resolve("sd0.vmdk"));

  private Path template(String name, boolean withDelta) throws IOException {
    return template(name, withDelta, "monolithicSparse");
  }

  private Path template(String name, boolean withDelta, String subformat) throws IOException {
    Path folder = Files.createDirectories(root.resolve("template-" + name));
    // Flat files are copied for every primitive: keep them small.
    String size = subformat.endsWith("Flat") ? "8M" : "64M";
    Path disk = QemuDisks.base(folder, "sd0.vmdk", size, subformat);
    QemuDisks.write(disk, 0, 65536, 0x11);
    if (withDelta) {
      MAKE.run(new SafeFileOperations(), folder);
      QemuDisks.write(disk, 4 << 20, 65536, 0x22);
    }
    return folder;
  }

  private Path copyOf(Path template, String name) throws IOException {
    return TestFolders.copyOf(template, root, name);
  }

  @Test
  void makeFailingAtAnyPrimitiveRollsBack() throws IOException {
    failEveryPrimitive("make", template("make", false), MAKE);
  }

  @Test
  void deleteFailingAtAnyPrimitiveRollsBack() throws IOException {
    failEveryPrimitive("delete", template("delete", true), DELETE);
  }

  private void failEveryPrimitive(String name, Path template, Operation op) throws IOException {
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path reference = copyOf(template, name + "-reference");
    FailAt counter = new FailAt(0, false);
    op.run(new SafeFileOperations(counter), reference);
    Map<String, String> after = FolderSnapshot.of(reference).entries();
    int primitives = counter.count.get();
    assertThat(primitives).as("primitives of a successful %s", name).isGreaterThan(5);
    assertThat(after).isNotEqualTo(before);

    int refused = 0;
    for (int k = 1; k <= primitives; k++) {
      Path failed = copyOf(template, name + "-fail-" + k);
      FailAt fail = new FailAt(k, false);
      boolean threw = false;
      try {
        op.run(new SafeFileOperations(fail), failed);
      } catch (IOException e) {
        assertThat(e).hasMessageContaining("injected failure");
        threw = true;
        refused++;
      }
      if (threw) {
        assertThat(FolderSnapshot.of(failed).entries())
            .as("%s failing at primitive %d must leave the folder as it was", name, k)
            .isEqualTo(before);
      } else {
        // A failure past the commit point is a warning; a journal left behind is completed.
        new Recovery(new SafeFileOperations()).recoverFolder(failed);
        assertThat(FolderSnapshot.of(failed).entries())
            .as("%s failing at primitive %d after its commit point", name, k)
            .isEqualTo(after);
      }

      Path crashed = copyOf(template, name + "-crash-" + k);
      FailAt crash = new FailAt(k, true);
      assertThatThrownBy(() -> op.run(new SafeFileOperations(crash), crashed))
          .isInstanceOf(SimulatedCrash.class);
      new Recovery(new SafeFileOperations()).recoverFolder(crashed);
      Map<String, String> recovered = FolderSnapshot.of(crashed).entries();
      assertThat(recovered)
          .as("%s crashing at primitive %d, then recovered: old or new state", name, k)
          .isIn(before, after);
    }
    assertThat(refused).as("failures before the commit point").isGreaterThan(primitives / 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"twoGbMaxExtentSparse", "monolithicFlat", "twoGbMaxExtentFlat"})
  void splitAndFlatDisksFailingAtAnyPrimitiveRollBack(String subformat) throws IOException {
    failEveryPrimitive("make-" + subformat, template("make-" + subformat, false, subformat), MAKE);
    failEveryPrimitive(
        "delete-" + subformat, template("delete-" + subformat, true, subformat), DELETE);
    failEveryPrimitive(
        "revert-" + subformat, template("revert-" + subformat, true, subformat), REVERT);
  }

  @Test
  void revertFailingAtAnyPrimitiveRollsBack() throws IOException {
    failEveryPrimitive("revert", template("revert", true), REVERT);
  }

  /**
   * Crashes {@code make} at every primitive and, for each, its recovery at every primitive in turn
   * (until a recovery runs to its end): recovering again must give what one uncrashed recovery of
   * that crash gives, the folder as before or as after. No count is assumed: make's primitives are
   * counted on a run that succeeds, and each recovery's are swept until one does not crash.
   */
  @Test
  void crashDuringRecoveryIsRecoveredByTheNextRecovery() throws IOException {
    Path template = template("recovery", false);
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path reference = copyOf(template, "recovery-reference");
    FailAt counter = new FailAt(0, false);
    MAKE.run(new SafeFileOperations(counter), reference);
    Map<String, String> after = FolderSnapshot.of(reference).entries();
    int primitives = counter.count.get();
    assertThat(primitives).as("primitives of a successful make").isGreaterThan(5);

    int recoveriesCrashed = 0;
    int rolledBack = 0;
    for (int m = 1; m <= primitives; m++) {
      Path once = copyOf(template, "once-" + m);
      crashMakeAt(m, once);
      new Recovery(new SafeFileOperations()).recoverFolder(once);
      Map<String, String> recovered = FolderSnapshot.of(once).entries();
      assertThat(recovered)
          .as("make crashing at primitive %d, then recovered", m)
          .isIn(before, after);
      for (int k = 1; ; k++) {
        Path folder = copyOf(template, "twice-" + m + "-" + k);
        crashMakeAt(m, folder);
        boolean recoveryCrashed = false;
        try {
          new Recovery(new SafeFileOperations(new FailAt(k, true))).recoverFolder(folder);
        } catch (SimulatedCrash expected) {
          recoveryCrashed = true;
        }
        new Recovery(new SafeFileOperations()).recoverFolder(folder);
        assertThat(FolderSnapshot.of(folder).entries())
            .as("make crashing at primitive %d, its recovery at %d, then recovered again", m, k)
            .isEqualTo(recovered);
        if (!recoveryCrashed) {
          break;
        }
        recoveriesCrashed++;
        if (recovered.equals(before)) {
          rolledBack++;
        }
      }
    }
    System.out.printf(
        "FaultInjectionTest: make has %d primitives; %d recoveries crashed (%d while rolling"
            + " back)%n",
        primitives, recoveriesCrashed, rolledBack);
    assertThat(rolledBack).as("recoveries crashed while rolling a make back").isGreaterThan(5);
  }

  /** Runs make on {@code folder} with a crash at primitive {@code m}, and checks it crashed. */
  private static void crashMakeAt(int m, Path folder) {
    assertThatThrownBy(() -> MAKE.run(new SafeFileOperations(new FailAt(m, true)), folder))
        .as("make crashes at primitive %d", m)
        .isInstanceOf(SimulatedCrash.class);
  }

  @Test
  void makeAfterAFailedMakeSucceedsAndIsValid() throws IOException {
    Path folder = copyOf(template("again", false), "again");
    assertThatThrownBy(() -> MAKE.run(new SafeFileOperations(new FailAt(10, false)), folder))
        .isInstanceOf(IOException.class);
    MAKE.run(new SafeFileOperations(), folder);
    ExternalTools.run(folder, ExternalTools.require(ExternalTools.QEMU_IMG), "check", "sd0.vmdk")
        .expectSuccess();
  }
}
