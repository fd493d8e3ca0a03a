package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files an operation must change but cannot: immutable or append-only ({@code chattr +i/+a}, which
 * stop root too), or not writable for the user (injected in the file layer, since the tests run as
 * root; ProcessUnwritableIT runs a real process as a normal user). Every operation refuses before
 * its first change and leaves nothing behind, saying which file and why; a rollback or recovery
 * that fails says why and what to do.
 */
class UnwritableFilesTest {
  @TempDir Path root;

  /** Files given attributes by a test, cleared afterwards so the folder can be removed. */
  private final List<Path> attributed = new ArrayList<>();

  @AfterEach
  void clearAttributes() throws IOException {
    for (Path f : attributed) {
      chattr("-ia", f);
    }
  }

  /** sd0-000000.vmdk (data) <- sd0.vmdk (data over and beside the parent's). */
  private Path chain() throws IOException {
    Path folder = Files.createDirectories(root.resolve("vm"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "8M");
    QemuDisks.write(disk, 0, 256 << 10, 0x11);
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT).run(disk);
    QemuDisks.write(disk, 128 << 10, 256 << 10, 0x22);
    return folder;
  }

  private static int chattr(String flags, Path file) throws IOException {
    try {
      Process p =
          new ProcessBuilder("chattr", flags, file.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1; // no chattr
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Sets {@code flag} (i or a) on {@code file}, or skips, visibly, where that is impossible. */
  private void setAttribute(char flag, Path file) throws IOException {
    int rc = chattr("+" + flag, file);
    if (rc == 0) {
      attributed.add(file);
    }
    boolean works = false;
    if (rc == 0) {
      try {
        Files.newByteChannel(file, java.nio.file.StandardOpenOption.WRITE).close();
      } catch (IOException e) {
        works = true;
      }
    }
    if (!works) {
      System.err.println(
          "SKIPPED: chattr +" + flag + " is not possible here (not root, or file system has none)");
    }
    Assumptions.assumeTrue(works, "chattr +" + flag + " works on " + root);
  }

  @ParameterizedTest(name = "{0} with {2} +{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // the parent: merged into, then its descriptor rewritten under the delta's name
        "commit | i | sd0-000000.vmdk | cannot be opened for writing (to merge the delta into it)",
        "commit | a | sd0-000000.vmdk | cannot be opened for writing (to merge the delta into it)",
        // the delta: only renamed aside, then deleted
        "commit | i | sd0.vmdk        | cannot be changed (to rename it)",
        "commit | a | sd0.vmdk        | cannot be changed (to rename it)",
        "make   | i | sd0.vmdk        | cannot be opened for writing (to rewrite its",
        "make   | a | sd0.vmdk        | cannot be opened for writing (to rewrite its",
        "delete | i | sd0-000000.vmdk | cannot be opened for writing (to rewrite its",
        "delete | i | sd0.vmdk        | cannot be changed (to rename it)",
        "revert | i | sd0.vmdk        | cannot be changed (to rename it)",
      })
  void refusesBeforeTheFirstChangeAndSaysWhy(String verb, char flag, String file, String refusal)
      throws IOException {
    Path folder = chain();
    FolderSnapshot before = FolderSnapshot.of(folder);
    setAttribute(flag, folder.resolve(file));

    Cli r = Cli.run(verb, folder.resolve("sd0.vmdk").toString());

    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines()[0])
        .startsWith("vmdk-delta: " + folder.resolve(file) + ": " + refusal)
        .contains("immutable or append-only", "chattr -i", "nothing was changed");
    before.assertUnchanged(); // no journal, no undo log, no temporary file
  }

  @Test
  void aFileNotWritableForTheUserIsRefusedBeforeTheFirstChange() throws IOException {
    Path folder = chain();
    Path parent = folder.resolve("sd0-000000.vmdk");
    FolderSnapshot before = FolderSnapshot.of(folder);
    // As chmod 444 does for a normal user: the file layer cannot open the parent for writing.
    AtomicInteger changes = new AtomicInteger();
    FaultInjector denied =
        (action, path) -> {
          if (path.getFileName().equals(parent.getFileName()) && action.equals("open-for-write")) {
            throw new AccessDeniedException(path.toString());
          }
          changes.incrementAndGet();
        };
    CommitDelta commit =
        new CommitDelta(new SafeFileOperations(denied), new SplittableRandom(2), Options.DEFAULT);

    assertThatThrownBy(() -> commit.run(folder.resolve("sd0.vmdk")))
        .hasMessageStartingWith(
            parent + ": cannot be opened for writing (to merge the delta into it)")
        .hasMessageContaining("permission denied")
        .hasMessageContaining("chmod u+w");
    before.assertUnchanged();
  }

  @Test
  void aFailedRollbackAndRecoverySayWhyAndWhatToDo() throws IOException {
    Path folder = chain();
    Path parent = folder.resolve("sd0-000000.vmdk");
    FolderSnapshot before = FolderSnapshot.of(folder);
    setAttribute('i', parent); // only to learn whether chattr works here
    chattr("-i", parent);
    // Half-way through the merge the parent becomes immutable (an administrator, a backup tool):
    // the merge fails, and so does its undo.
    AtomicInteger writes = new AtomicInteger();
    FaultInjector lockedMidway =
        (action, path) -> {
          if (path.equals(parent) && action.equals("write") && writes.incrementAndGet() == 2) {
            chattr("+i", parent);
            throw new IOException("injected write failure");
          }
        };
    CommitDelta commit =
        new CommitDelta(
            new SafeFileOperations(lockedMidway), new SplittableRandom(3), Options.DEFAULT);

    assertThatThrownBy(() -> commit.run(folder.resolve("sd0.vmdk")))
        .isInstanceOf(RollbackFailedException.class)
        .hasMessageContaining("undoing it failed too (" + parent + ": Operation not permitted)")
        .hasMessageContaining("immutable or append-only")
        .hasMessageContaining("chattr -i")
        .hasMessageContaining("vmdk-delta recover " + folder);

    Cli failed = Cli.run("recover", folder.toString());
    assertThat(failed.code()).as(failed.err()).isEqualTo(6);
    assertThat(failed.errLines()).hasSize(1);
    assertThat(failed.errLines()[0])
        .startsWith("vmdk-delta: " + folder + ": recovering the interrupted 'commit' of sd0.vmdk")
        .contains(parent + ": Operation not permitted", "chattr -i", "vmdk-delta recover");
    Cli later = Cli.run("make", folder.resolve("sd0.vmdk").toString());
    assertThat(later.code()).isEqualTo(6);
    assertThat(later.err()).contains("recovering the interrupted 'commit'", "chattr -i");

    chattr("-i", parent);
    Cli recovered = Cli.run("recover", folder.toString());
    assertThat(recovered.code()).as(recovered.err()).isZero();
    assertThat(recovered.out()).contains("rolled back");
    before.assertUnchanged();
  }
}
