package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.ops.FaultInjectionTest.FailAt;
import io.github.vmdkdelta.ops.FaultInjectionTest.SimulatedCrash;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import io.github.vmdkdelta.testing.VmFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails and crashes every file primitive of {@code make} and {@code commit} on a whole VM in turn:
 * a failure must roll every disk back (the VM folder exactly as before), a crash must end, after
 * recovery, with the whole folder as before or as after: never one disk changed and another not.
 */
class VmFaultInjectionTest {
  @TempDir Path root;

  interface VmRun {
    void run(SafeFileOperations ops, Path vmx) throws IOException;
  }

  private static final VmRun MAKE =
      (ops, vmx) ->
          VmOperation.make(new MakeDelta(ops, new SplittableRandom(7), Options.DEFAULT)).run(vmx);

  /** Commit in small batches, so that a crash can land between batches of one merge. */
  private static final VmRun COMMIT =
      (ops, vmx) ->
          VmOperation.commit(
                  new CommitDelta(ops, new SplittableRandom(8), Options.DEFAULT, 64 * 1024))
              .run(vmx, List.of(), (d, t) -> {});

  @Test
  void makeOnAVmIsAllOrNothingAtEveryPrimitive() throws IOException {
    Path template = root.resolve("make");
    VmFolder.create(template);
    sweep("make", template, MAKE);
  }

  @Test
  void commitOnAVmIsAllOrNothingAtEveryPrimitive() throws IOException {
    Path template = root.resolve("commit");
    Path vmx = VmFolder.create(template);
    MAKE.run(new SafeFileOperations(), vmx);
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      // Overwrites a grain the parent has, and appends one it has not.
      QemuDisks.write(template.resolve(disk), 0, 4096, 0x77);
      QemuDisks.write(template.resolve(disk), 6 << 20, 131072, 0x78);
    }
    sweep("commit", template, COMMIT);
  }

  private void sweep(String name, Path template, VmRun op) throws IOException {
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path reference = TestFolders.copyOf(template, root, name + "-reference");
    FailAt counter = new FailAt(0, false);
    op.run(new SafeFileOperations(counter), reference.resolve(VmFolder.VMX));
    Map<String, String> after = FolderSnapshot.of(reference).entries();
    int primitives = counter.count.get();
    // Three disks' steps: far more than one disk's.
    assertThat(primitives).as("primitives of a whole-VM %s", name).isGreaterThan(20);

    int rolledBack = 0;
    int recoveredOld = 0;
    int recoveredNew = 0;
    for (int k = 1; k <= primitives; k++) {
      Path failed = TestFolders.copyOf(template, root, name + "-fail-" + k);
      try {
        op.run(new SafeFileOperations(new FailAt(k, false)), failed.resolve(VmFolder.VMX));
        new Recovery(new SafeFileOperations()).recoverFolder(failed);
        assertThat(FolderSnapshot.of(failed).entries())
            .as("%s failing at primitive %d after its commit point", name, k)
            .isEqualTo(after);
      } catch (IOException e) {
        assertThat(e).hasMessageContaining("injected failure");
        assertThat(FolderSnapshot.of(failed).entries())
            .as("%s failing at primitive %d must leave every disk as it was", name, k)
            .isEqualTo(before);
        rolledBack++;
      }
      deleteTree(failed);

      Path crashed = TestFolders.copyOf(template, root, name + "-crash-" + k);
      int at = k;
      assertThatThrownBy(
              () ->
                  op.run(
                      new SafeFileOperations(new FailAt(at, true)), crashed.resolve(VmFolder.VMX)))
          .isInstanceOf(SimulatedCrash.class);
      new Recovery(new SafeFileOperations()).recoverFolder(crashed);
      Map<String, String> recovered = FolderSnapshot.of(crashed).entries();
      assertThat(recovered)
          .as("%s crashing at primitive %d, then recovered: all disks old or all new", name, k)
          .isIn(before, after);
      if (recovered.equals(before)) {
        recoveredOld++;
      } else {
        recoveredNew++;
      }
      deleteTree(crashed);
    }
    System.out.printf(
        "VmFaultInjectionTest: %s on the VM has %d primitives; %d failures rolled back, crashes"
            + " recovered %d old and %d new%n",
        name, primitives, rolledBack, recoveredOld, recoveredNew);
    assertThat(rolledBack).as("failures before the commit point").isGreaterThan(primitives / 2);
    assertThat(recoveredNew).as("crashes past the commit point").isPositive();
  }

  private static void deleteTree(Path folder) throws IOException {
    try (var files = Files.walk(folder)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
