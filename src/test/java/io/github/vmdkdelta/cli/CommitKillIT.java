package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.ToolProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the real vmdk-delta process before each file change of {@code commit} in turn, then
 * recovers: the folder must hold the chain exactly as before, or the merged disk alone; either way
 * the disk reads as before the commit.
 */
class CommitKillIT {
  @TempDir Path root;

  private Path template() throws IOException {
    Path folder = Files.createDirectories(root.resolve("template"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "20000K");
    QemuDisks.write(disk, 0, 1 << 20, 0x41);
    ToolProcess.run(List.of(), "make", disk.toString()).expectSuccess();
    QemuDisks.write(disk, 768 << 10, 512 << 10, 0x42); // half over the parent's grains
    QemuDisks.write(disk, 20000 * 1024 - 4096, 4096, 0x43); // the partial last grain
    return folder;
  }

  private Path copyOf(Path template, String name) throws IOException {
    Path folder = Files.createDirectories(root.resolve(name));
    try (Stream<Path> files = Files.list(template)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, folder.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return folder;
  }

  @Test
  void commitKilledAtEveryStepIsRecovered() throws IOException {
    Path template = template();
    Path raw = QemuDisks.toRaw(template.resolve("sd0.vmdk"), root.resolve("before.raw"));
    Map<String, String> before = FolderSnapshot.of(template).entries();
    Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
    int oldStates = 0;
    int newStates = 0;
    for (int k = 1; ; k++) {
      Path folder = copyOf(template, "commit-" + k);
      Path disk = folder.resolve("sd0.vmdk");
      var killed =
          ToolProcess.run(List.of("-Dvmdk-delta.test.haltAtIo=" + k), "commit", disk.toString());
      // Recovery in this JVM: what is under test is the killed process's state on disk.
      Cli recovered = Cli.run("recover", folder.toString());
      assertThat(recovered.code()).as(recovered.err()).isZero();
      Map<String, String> now = FolderSnapshot.of(folder).entries();
      if (now.equals(before)) {
        oldStates++;
      } else {
        assertThat(now.keySet()).as("kill at %d", k).isEqualTo(Set.of("sd0.vmdk"));
        ExternalTools.run(folder, qemuImg, "check", "sd0.vmdk").expectSuccess();
        assertThat(QemuDisks.descriptor(disk)).contains("SPARSE \"sd0.vmdk\"");
        newStates++;
      }
      ExternalTools.run(folder, qemuImg, "compare", "-f", "vmdk", "-F", "raw", "sd0.vmdk", raw)
          .expectSuccess();
      if (killed.exitCode() != TestMain.HALT_STATUS) {
        killed.expectSuccess();
        assertThat(k).as("file changes of commit").isGreaterThan(20);
        break;
      }
    }
    assertThat(oldStates).as("kills before the commit point roll back").isGreaterThan(10);
    assertThat(newStates).as("kills after the commit point complete the commit").isPositive();
  }
}
