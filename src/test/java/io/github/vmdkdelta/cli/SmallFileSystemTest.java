package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make and delete on a real, tiny file system (a tmpfs the test mounts, as root): full, and
 * read-only. A clean one-line error, exit 6, and nothing changed.
 */
class SmallFileSystemTest {
  @TempDir Path root;
  private Path mount;

  @BeforeEach
  void mountTmpfs() throws IOException {
    mount = Tmpfs.mount(root, "2m");
  }

  @AfterEach
  void unmount() throws IOException {
    Tmpfs.unmount(root, mount);
  }

  @Test
  void makeOnAFullDiskRefusesAndChangesNothing() throws IOException {
    Path disk = QemuDisks.base(mount, "sd0.vmdk", "64M");
    long free = Files.getFileStore(mount).getUsableSpace();
    Tmpfs.fill(mount.resolve("filler.bin"), free - 64 * 1024);
    FolderSnapshot before = FolderSnapshot.of(mount);

    Cli r = Cli.run("make", disk.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("not enough free space");
    before.assertUnchanged();
  }

  @Test
  void makeOnAReadOnlyFileSystemRefusesAndChangesNothing() throws IOException {
    Path disk = QemuDisks.base(mount, "sd0.vmdk", "64M");
    FolderSnapshot before = FolderSnapshot.of(mount);
    ExternalTools.run(root, "mount", "-o", "remount,ro", mount).expectSuccess();

    Cli r = Cli.run("make", disk.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("not writable");
    before.assertUnchanged();
  }
}
