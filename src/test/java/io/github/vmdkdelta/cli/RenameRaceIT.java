package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.ToolProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of issue 14, for real: the packaged tool runs under {@code strace}, which holds every
 * rename and link system call for {@value #DELAY_MICROS} µs before it enters the kernel; while the
 * tool waits there, this test creates the name the tool is about to give a file, as another program
 * could. That program's file must never be replaced, and the tool must fail cleanly.
 */
class RenameRaceIT {
  private static final long DELAY_MICROS = 2_000_000;
  private static final String SYSCALLS = "link,linkat,rename,renameat,renameat2";
  private static final byte[] THEIRS = "another program's file\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  private static Path strace() throws IOException, InterruptedException {
    Path strace = ExternalTools.require("strace");
    Process probe =
        new ProcessBuilder(strace.toString(), "-f", "-qq", "-o", "/dev/null", "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Assumptions.assumeTrue(
        probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "strace cannot trace here (ptrace not permitted): skipping the rename race");
    return strace;
  }

  /** Starts the tool under strace with every rename and link held, output to {@code log}. */
  private static Process startDelayed(Path log, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            strace().toString(),
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=" + SYSCALLS,
            "-e",
            "inject=" + SYSCALLS + ":delay_enter=" + DELAY_MICROS));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:-UsePerfData", "-jar", ToolProcess.jar().toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /**
   * Waits until the journal says step {@code step} is done: the next system call of the tool is the
   * held rename (or link) of the next step; the name is created well inside the hold.
   */
  private static void awaitDone(Path folder, int step, Process tool) throws Exception {
    Path journal = folder.resolve(".vmdk-delta-journal");
    String mark = "\ndone " + step + "\n";
    for (int i = 0; i < 3000; i++) {
      if (Files.exists(journal) && Files.readString(journal).contains(mark)) {
        // Past the journal's force and any check the tool makes before the held call.
        Thread.sleep(DELAY_MICROS / 1000 / 3);
        return;
      }
      if (!tool.isAlive()) {
        break;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the journal never said " + mark.strip());
  }

  private static int finish(Process tool, Path log) throws Exception {
    assertThat(tool.waitFor(3, TimeUnit.MINUTES)).as("the tool finished").isTrue();
    return tool.exitValue();
  }

  @Test
  void makeNeverReplacesAFrozenNameCreatedDuringItsRename() throws Exception {
    Path folder = Files.createDirectories(root.resolve("make"));
    QemuDisks.write(QemuDisks.base(folder, "sd0.vmdk", "64M"), 0, 65536, 0x11);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    Path log = root.resolve("make.log");
    Process tool = startDelayed(log, "make", folder.resolve("sd0.vmdk").toString());
    awaitDone(folder, 0, tool); // the new delta is written; the disk's rename comes next
    Path frozen = folder.resolve("sd0-000000.vmdk");
    Files.write(frozen, THEIRS);
    int code = finish(tool, log);
    String output = Files.readString(log);
    assertThat(Files.readAllBytes(frozen)).as("the other program's file").isEqualTo(THEIRS);
    assertThat(code).as(output).isEqualTo(7);
    assertThat(output).contains("sd0-000000.vmdk");
    Files.delete(frozen);
    assertThat(FolderSnapshot.of(folder).entries()).as("rolled back").isEqualTo(before);
  }

  @Test
  void deleteNeverReplacesTheDisksNameCreatedDuringItsRename() throws Exception {
    Path folder = Files.createDirectories(root.resolve("delete"));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
    QemuDisks.write(disk, 0, 65536, 0x11);
    ToolProcess.run(List.of(), "make", disk.toString()).expectSuccess();
    QemuDisks.write(disk, 4 << 20, 65536, 0x22);
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    Path log = root.resolve("delete.log");
    Process tool = startDelayed(log, "delete", disk.toString());
    awaitDone(folder, 0, tool); // the delta is set aside; the parent's rename comes next
    Files.write(disk, THEIRS);
    int code = finish(tool, log);
    String output = Files.readString(log);
    assertThat(Files.readAllBytes(disk)).as("the other program's file").isEqualTo(THEIRS);
    // The delta cannot get its name back while the other file holds it: the tool says so and
    // keeps its journal; once the name is free again, recover restores the folder.
    assertThat(code).as(output).isNotZero();
    assertThat(output).contains("move that file away and run vmdk-delta recover");
    Files.delete(disk);
    ToolProcess.run(List.of(), "recover", folder.toString()).expectSuccess();
    assertThat(FolderSnapshot.of(folder).entries()).as("recovered").isEqualTo(before);
  }
}
