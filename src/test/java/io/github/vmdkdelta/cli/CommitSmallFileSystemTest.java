package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.SafeFileOperations;
import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code commit} on a real, small file system (a tmpfs the test mounts, as root): it refuses when
 * the merge could run out of space (users' "merge failed halfway, no space for the redo log"), and
 * succeeds when the room it asked for is there.
 */
class CommitSmallFileSystemTest {
  @TempDir Path root;
  private Path mount;

  @BeforeEach
  void mountTmpfs() throws IOException {
    mount = Tmpfs.mount(root, "16m");
  }

  @AfterEach
  void unmount() throws IOException {
    Tmpfs.unmount(root, mount);
  }

  /**
   * A 64 MiB disk with 2 MiB of data, and a delta that rewrites 1 MiB of it and adds 2 MiB. A flat
   * disk made by qemu-img is a file with holes, which the added data fills.
   */
  private Path chain(String subformat) throws IOException {
    Path disk = QemuDisks.base(mount, "sd0.vmdk", "64M", subformat);
    QemuDisks.write(disk, 0, 2 << 20, 0x11);
    Cli made = Cli.run("make", disk.toString());
    assertThat(made.code()).as(made.err()).isZero();
    QemuDisks.write(disk, 1 << 20, 3 << 20, 0x22);
    return disk;
  }

  /** What commit's plan says it may add to the folder. */
  private static long needed(Path disk) throws IOException {
    return new CommitDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT)
        .plan(disk)
        .spaceNeeded();
  }

  @ParameterizedTest
  @ValueSource(strings = {"monolithicSparse", "twoGbMaxExtentSparse", "monolithicFlat"})
  void commitWithoutRoomForTheMergeRefusesAndChangesNothing(String subformat) throws IOException {
    Path disk = chain(subformat);
    long needed = needed(disk);
    assertThat(needed).as("appended grains and undo log").isGreaterThan(3 << 20);
    long free = Files.getFileStore(mount).getUsableSpace();
    Tmpfs.fill(mount.resolve("filler.bin"), free - needed / 2);
    FolderSnapshot before = FolderSnapshot.of(mount);

    Cli r = Cli.run("commit", disk.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("not enough free space");
    before.assertUnchanged();
  }

  @ParameterizedTest
  @ValueSource(strings = {"monolithicSparse", "twoGbMaxExtentSparse", "monolithicFlat"})
  void commitWithJustTheRoomItAskedForSucceeds(String subformat) throws IOException {
    Path disk = chain(subformat);
    long needed = needed(disk);
    long free = Files.getFileStore(mount).getUsableSpace();
    // What it asked for, plus the 1 MiB margin of every operation, plus a page of slack.
    Tmpfs.fill(mount.resolve("filler.bin"), free - needed - (1 << 20) - 8192);

    Cli r = Cli.run("commit", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    ExternalTools.run(mount, ExternalTools.require(ExternalTools.QEMU_IMG), "check", "sd0.vmdk")
        .expectSuccess();
  }
}
