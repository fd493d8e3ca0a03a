package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.ops.FaultInjectionTest.SimulatedCrash;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never overwrite, even in a race: another program that creates a name the operation needs, at any
 * moment, keeps its file, and the operation fails cleanly and rolls back. On a file system without
 * hard links the rename falls back to a check and a move, and everything else still holds.
 */
class NoReplaceRenameTest {
  private static final long SEED = 20261202L;
  private static final byte[] THEIRS = "another program's file\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  private Path base(String name) throws IOException {
    Path folder = Files.createDirectories(root.resolve(name));
    QemuDisks.write(QemuDisks.base(folder, "sd0.vmdk", "64M"), 0, 65536, 0x11);
    return folder;
  }

  private static void make(SafeFileOperations ops, Path folder) throws IOException {
    new MakeDelta(ops, new SplittableRandom(SEED), Options.DEFAULT).run(folder.resolve("sd0.vmdk"));
  }

  /** The target appears between every check the tool makes and the link itself. */
  @Test
  void aTargetCreatedJustBeforeTheLinkIsNeverReplacedAndMakeRollsBack() throws IOException {
    Path folder = base("race");
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    Path frozen = folder.resolve("sd0-000000.vmdk");
    SafeFileOperations.HardLinks racing =
        (link, existing) -> {
          if (link.equals(frozen)) {
            Files.write(frozen, THEIRS);
          }
          Files.createLink(link, existing);
        };
    SafeFileOperations ops =
        new SafeFileOperations(FaultInjector.NONE, racing, new RenameCapability());
    assertThatThrownBy(() -> make(ops, folder)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(frozen)).isEqualTo(THEIRS);
    Files.delete(frozen);
    assertThat(FolderSnapshot.of(folder).entries()).isEqualTo(before);
  }

  /** The hidden name of the new delta taken just before the tool creates it. */
  @Test
  void aFileCreatedUnderTheNewDeltasNameIsNotDeletedByTheRollback() throws IOException {
    Path folder = base("create-race");
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    Path staged = folder.resolve(".sd0.vmdk.vmdk-delta-new");
    FaultInjector racing =
        (action, path) -> {
          if (action.equals("create") && path.equals(staged)) {
            Files.write(staged, THEIRS);
          }
        };
    assertThatThrownBy(() -> make(new SafeFileOperations(racing), folder))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(staged)).isEqualTo(THEIRS);
    Files.delete(staged);
    assertThat(FolderSnapshot.of(folder).entries()).isEqualTo(before);
  }

  /** Stopped between the link and the unlink: two names, one file, and recovery keeps the old. */
  @Test
  void aCrashBetweenLinkAndUnlinkIsRecoveredToTheOldState() throws IOException {
    Path template = base("link-state");
    Map<String, String> before = FolderSnapshot.of(template).entries();
    for (int unlink = 1; ; unlink++) {
      Path folder = TestFolders.copyOf(template, root, "link-state-" + unlink);
      int stopAt = unlink;
      AtomicInteger seen = new AtomicInteger();
      FaultInjector crash =
          (action, path) -> {
            if (action.equals("unlink") && seen.incrementAndGet() == stopAt) {
              throw new SimulatedCrash();
            }
          };
      try {
        make(new SafeFileOperations(crash), folder);
        break; // past the last unlink
      } catch (SimulatedCrash expected) {
        // two names for one file now
      }
      assertThat(new Recovery(new SafeFileOperations()).recoverFolder(folder)).isPresent();
      assertThat(FolderSnapshot.of(folder).entries())
          .as("make stopped before unlink %d, then recovered", unlink)
          .isEqualTo(before);
    }
  }

  /** A file system without hard links (FAT, exFAT answer EPERM): detected once, then a move. */
  @Test
  void withoutHardLinksTheRenameFallsBackToAMoveAndLearnsItOnce() throws IOException {
    Path folder = base("fat");
    List<Path> tried = new ArrayList<>();
    SafeFileOperations.HardLinks none =
        (link, existing) -> {
          tried.add(link);
          throw new FileSystemException(
              existing.toString(), link.toString(), "Operation not permitted");
        };
    RenameCapability capability = new RenameCapability();
    SafeFileOperations ops = new SafeFileOperations(FaultInjector.NONE, none, capability);
    make(ops, folder);
    assertThat(tried).as("links tried").hasSize(1);
    assertThat(capability.hasHardLinks(folder)).isFalse();
    assertThat(folder.resolve("sd0-000000.vmdk")).exists();
    new DeleteDelta(ops, Options.DEFAULT).run(folder.resolve("sd0.vmdk"));
    assertThat(tried).hasSize(1);
    try (var files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sd0.vmdk");
    }
  }

  /** Any other failure of the link (permissions) is an error, not a reason to fall back. */
  @Test
  void aLinkRefusedForAnotherReasonFailsTheOperationAndRollsBack() throws IOException {
    Path folder = base("denied");
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    SafeFileOperations.HardLinks denied =
        (link, existing) -> {
          throw new java.nio.file.AccessDeniedException(link.toString());
        };
    RenameCapability capability = new RenameCapability();
    SafeFileOperations ops = new SafeFileOperations(FaultInjector.NONE, denied, capability);
    assertThatThrownBy(() -> make(ops, folder))
        .isInstanceOf(java.nio.file.AccessDeniedException.class);
    assertThat(capability.hasHardLinks(folder)).isTrue();
    assertThat(FolderSnapshot.of(folder).entries()).isEqualTo(before);
  }

  private static SafeFileOperations withoutLinks(FaultInjector faults) {
    return new SafeFileOperations(
        faults,
        (link, existing) -> {
          throw new FileSystemException(
              existing.toString(), link.toString(), "Operation not permitted");
        },
        new RenameCapability());
  }

  /** Without hard links, make and delete crashed at every primitive still end old or new. */
  @Test
  void withoutHardLinksACrashAtAnyPrimitiveIsRecoveredToOldOrNew() throws IOException {
    Path made = base("fat-sweep");
    Map<String, String> original = FolderSnapshot.of(made).entries();
    Path reference = TestFolders.copyOf(made, root, "fat-sweep-made");
    make(withoutLinks(FaultInjector.NONE), reference);
    Map<String, String> snapshot = FolderSnapshot.of(reference).entries();
    for (boolean deleting : new boolean[] {false, true}) {
      Path template = deleting ? reference : made;
      Map<String, String> before = deleting ? snapshot : original;
      Map<String, String> after = deleting ? original : snapshot;
      for (int k = 1; ; k++) {
        Path folder = TestFolders.copyOf(template, root, "fat-" + deleting + "-" + k);
        FaultInjectionTest.FailAt crash = new FaultInjectionTest.FailAt(k, true);
        try {
          if (deleting) {
            new DeleteDelta(withoutLinks(crash), Options.DEFAULT).run(folder.resolve("sd0.vmdk"));
          } else {
            make(withoutLinks(crash), folder);
          }
          break;
        } catch (SimulatedCrash expected) {
          // stopped at primitive k
        }
        new Recovery(withoutLinks(FaultInjector.NONE)).recoverFolder(folder);
        assertThat(FolderSnapshot.of(folder).entries())
            .as("%s without hard links crashed at primitive %d", deleting ? "delete" : "make", k)
            .isIn(before, after);
      }
    }
  }
}
