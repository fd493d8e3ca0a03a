package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.ops.FaultInjector;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.SafeFileOperations;
import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dry run changes nothing, also when an interrupted operation left a journal (and an undo log,
 * and a parent with grains appended): {@code recover --dry-run} says what recovery would do, and
 * every other command's dry run plans without recovering first.
 */
class DryRunWithJournalTest {
  @TempDir Path root;

  /** What a process killed in the middle of a commit's merge leaves behind. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("simulated crash", null, false, false);
    }
  }

  /** sd0-000000.vmdk <- sd0.vmdk, with a commit killed after its second write to the parent. */
  private Path interruptedCommit() throws IOException {
    Path folder = Files.createDirectories(root.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "8M");
    QemuDisks.write(disk, 0, 256 << 10, 0x11);
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT).run(disk);
    QemuDisks.write(disk, 128 << 10, 512 << 10, 0x22);
    Path parent = folder.resolve("sd0-000000.vmdk");
    AtomicInteger writes = new AtomicInteger();
    FaultInjector killed =
        (action, path) -> {
          if (path.equals(parent) && action.equals("write") && writes.incrementAndGet() == 3) {
            throw new Crash();
          }
        };
    assertThatThrownBy(
            () ->
                new CommitDelta(
                        new SafeFileOperations(killed), new SplittableRandom(2), Options.DEFAULT)
                    .run(disk))
        .isInstanceOf(Crash.class);
    assertThat(folder.resolve(".vmdk-delta-journal")).exists();
    return folder;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--dry-run recover", "recover --dry-run"})
  void recoverDryRunSaysWhatItWouldDoAndChangesNothing(String command) throws IOException {
    Path folder = interruptedCommit();
    FolderSnapshot interrupted = FolderSnapshot.of(folder);
    String[] words = command.split(" ");

    Cli r = Cli.run(words[0], words[1], folder.toString());

    assertThat(r.code()).as(r.err()).isZero();
    interrupted.assertUnchanged();
    assertThat(r.out().lines().findFirst().orElseThrow())
        .isEqualTo(
            "would roll back the interrupted 'commit' of "
                + folder.toAbsolutePath().resolve("sd0.vmdk")
                + ":");
    assertThat(r.out())
        .contains("undo, where it was done: merge the grains of")
        .contains("delete " + folder.resolve(".vmdk-delta-journal"));

    // The real run does what the dry run said.
    Cli real = Cli.run("recover", folder.toString());
    assertThat(real.code()).as(real.err()).isZero();
    assertThat(real.out()).contains("rolled back");
    assertThat(folder.resolve(".vmdk-delta-journal")).doesNotExist();
  }

  @Test
  void recoverDryRunWithNothingToRecover() throws IOException {
    Path folder = Files.createDirectories(root.resolve("empty"));
    Cli r = Cli.run("--dry-run", "recover", folder.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo(folder + ": nothing to recover");
  }

  @ParameterizedTest(name = "--dry-run {0}")
  @ValueSource(strings = {"make", "delete", "revert", "commit", "info", "check"})
  void otherDryRunsChangeNothingWhenAJournalIsLeft(String verb) throws IOException {
    Path folder = interruptedCommit();
    FolderSnapshot interrupted = FolderSnapshot.of(folder);

    Cli r = Cli.run("--dry-run", verb, folder.resolve("sd0.vmdk").toString());

    interrupted.assertUnchanged();
    if (!verb.equals("info") && !verb.equals("check")) {
      assertThat(r.err()).contains("note: an interrupted operation left a journal");
    }
  }
}
