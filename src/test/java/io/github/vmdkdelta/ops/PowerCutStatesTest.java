package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.ops.FaultInjectionTest.SimulatedCrash;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder states of issue 14, built by hand: a process stopped at a chosen primitive, then the
 * directory operations a power cut loses undone by hand (a rename lost while the rewrite after it
 * was kept, both renames lost behind a journal that says done, a creation lost). {@code recover}
 * must end every one in the old state, byte for byte, and never stop with a folder it can fix.
 */
class PowerCutStatesTest {
  private static final long SEED = 20261201L;

  @TempDir Path root;

  /** Stops like a killed process just before the first {@code action} on a file so named. */
  private record CrashBefore(String action, String name, List<String> seen)
      implements FaultInjector {
    CrashBefore(String action, String name) {
      this(action, name, new ArrayList<>());
    }

    @Override
    public void before(String a, Path path) {
      seen.add(a);
      if (a.equals(action) && path.getFileName().toString().equals(name)) {
        throw new SimulatedCrash();
      }
    }
  }

  /** Stops at the journal write (the step's "done" mark) that follows the first rewrite. */
  private static final class CrashAtMarkAfterRewrite implements FaultInjector {
    private boolean rewritten;

    @Override
    public void before(String action, Path path) {
      if (action.equals("rewrite")) {
        rewritten = true;
      } else if (rewritten
          && action.equals("write")
          && path.getFileName().toString().equals(Journal.NAME)) {
        throw new SimulatedCrash();
      }
    }
  }

  private Path template(String name, boolean withDelta) throws IOException {
    Path folder = Files.createDirectories(root.resolve("template-" + name));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x11);
    if (withDelta) {
      new MakeDelta(new SafeFileOperations(), new SplittableRandom(SEED), Options.DEFAULT)
          .run(disk);
      QemuDisks.write(disk, 4 << 20, 65536, 0x22);
    }
    return TestFolders.copyOf(folder, root, name);
  }

  private static void make(FaultInjector faults, Path folder) throws IOException {
    new MakeDelta(new SafeFileOperations(faults), new SplittableRandom(SEED + 1), Options.DEFAULT)
        .run(folder.resolve("sd0.vmdk"));
  }

  private static void delete(FaultInjector faults, Path folder) throws IOException {
    new DeleteDelta(new SafeFileOperations(faults), Options.DEFAULT)
        .run(folder.resolve("sd0.vmdk"));
  }

  private static void commit(FaultInjector faults, Path folder) throws IOException {
    new CommitDelta(new SafeFileOperations(faults), new SplittableRandom(SEED + 2), Options.DEFAULT)
        .run(folder.resolve("sd0.vmdk"));
  }

  private interface Op {
    void run(FaultInjector faults, Path folder) throws IOException;
  }

  private static void crash(Op op, FaultInjector faults, Path folder) {
    assertThatThrownBy(() -> op.run(faults, folder)).isInstanceOf(SimulatedCrash.class);
  }

  /** The rename {@code from -> to} lost by the power cut: the file is back under its old name. */
  private static void lose(Path folder, String to, String from) throws IOException {
    Files.move(folder.resolve(to), folder.resolve(from));
  }

  private static void recoverToOld(Path folder, Map<String, String> before) throws IOException {
    assertThat(new Recovery(new SafeFileOperations()).recoverFolder(folder)).isPresent();
    assertThat(FolderSnapshot.of(folder).entries()).isEqualTo(before);
  }

  /** Issue 14 item 1: make's rename lost, the extent-line rewrite after it kept. */
  @Test
  void makeWithItsRenameLostAndItsRewriteKeptRollsBackToTheOriginal() throws IOException {
    Path folder = template("item1", false);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::make, new CrashBefore("rename", ".sd0.vmdk.vmdk-delta-new"), folder);
    lose(folder, "sd0-000000.vmdk", "sd0.vmdk");
    recoverToOld(folder, before);
  }

  /** Issue 14 item 2: delete's two renames lost behind a journal that says the second is done. */
  @Test
  void deleteWithBothRenamesLostRollsBack() throws IOException {
    Path folder = template("item2", true);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::delete, new CrashBefore("rewrite", "sd0.vmdk"), folder);
    lose(folder, "sd0.vmdk", "sd0-000000.vmdk");
    lose(folder, ".sd0.vmdk.vmdk-delta-old", "sd0.vmdk");
    recoverToOld(folder, before);
  }

  /** Issue 14 item 3: delete's rename of the parent lost, its rewrite kept. */
  @Test
  void deleteWithTheParentsRenameLostAndItsRewriteKeptRollsBack() throws IOException {
    Path folder = template("item3", true);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::delete, new CrashAtMarkAfterRewrite(), folder);
    lose(folder, "sd0.vmdk", "sd0-000000.vmdk");
    recoverToOld(folder, before);
  }

  /** Issue 14 item 4: commit's two renames lost after the merge. */
  @Test
  void commitWithBothRenamesLostRollsBack() throws IOException {
    Path folder = template("item4", true);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::commit, new CrashBefore("rewrite", "sd0.vmdk"), folder);
    lose(folder, "sd0.vmdk", "sd0-000000.vmdk");
    lose(folder, ".sd0.vmdk.vmdk-delta-old", "sd0.vmdk");
    recoverToOld(folder, before);
  }

  /** Issue 14 item 5: commit's rename of the parent lost, its new-CID rewrite kept. */
  @Test
  void commitWithTheParentsRenameLostAndItsNewCidKeptRollsBack() throws IOException {
    Path folder = template("item5", true);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::commit, new CrashAtMarkAfterRewrite(), folder);
    lose(folder, "sd0.vmdk", "sd0-000000.vmdk");
    recoverToOld(folder, before);
  }

  /**
   * Issue 14 item 6: the new delta's creation lost (its name never reached the device), and with it
   * the rename of the disk: the user's disk must never be taken for the new delta.
   */
  @Test
  void makeWithTheNewDeltasCreationLostNeverRenamesTheUsersDisk() throws IOException {
    Path folder = template("item6", false);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::make, new CrashBefore("rename", ".sd0.vmdk.vmdk-delta-new"), folder);
    Files.delete(folder.resolve(".sd0.vmdk.vmdk-delta-new"));
    lose(folder, "sd0-000000.vmdk", "sd0.vmdk");
    recoverToOld(folder, before);
  }

  /** The same with only the creation lost: the disk's rename and rewrite reached the device. */
  @Test
  void makeWithOnlyTheNewDeltasCreationLostRollsBack() throws IOException {
    Path folder = template("item6b", false);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    crash(PowerCutStatesTest::make, new CrashBefore("rename", ".sd0.vmdk.vmdk-delta-new"), folder);
    Files.delete(folder.resolve(".sd0.vmdk.vmdk-delta-new"));
    recoverToOld(folder, before);
  }

  /**
   * Issue 14 item 7 and POSIX's rule for new names: every directory operation (a creation, a
   * rename, a removal) is made durable by a folder sync before the next directory operation and
   * before the journal records anything, so that no power cut can lose or reorder one that a later
   * one or a journal mark depends on.
   */
  @Test
  void everyDirectoryOperationIsSyncedBeforeTheNextOneAndBeforeAnyJournalMark() throws IOException {
    for (String op : List.of("make", "delete", "commit")) {
      Path folder = template("order-" + op, !op.equals("make"));
      List<String> trace = new ArrayList<>();
      FaultInjector record =
          (action, path) ->
              trace.add(
                  action + (path.getFileName().toString().equals(Journal.NAME) ? " journal" : ""));
      switch (op) {
        case "make" -> make(record, folder);
        case "delete" -> delete(record, folder);
        default -> commit(record, folder);
      }
      String pending = null;
      boolean deleted = false;
      for (int i = 0; i < trace.size(); i++) {
        String t = trace.get(i);
        boolean journal = t.endsWith(" journal");
        boolean directoryOp =
            !journal
                && (t.startsWith("create") || t.startsWith("rename") || t.startsWith("unlink"));
        boolean mark = t.equals("write journal") || t.equals("delete journal");
        if (t.equals("sync-folder")) {
          pending = null;
          deleted = false;
        } else if ((pending != null && (directoryOp || mark))
            || (deleted && t.equals("delete journal"))) {
          throw new AssertionError(
              op
                  + ": "
                  + t
                  + " at primitive "
                  + (i + 1)
                  + " before the folder was synced after "
                  + pending
                  + ": "
                  + trace);
        }
        if (directoryOp) {
          pending = t;
        } else if (t.equals("delete")) {
          deleted = true;
        }
      }
    }
  }
}
