package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.ToolProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit under way, seen from a second process; a commit stopped by Ctrl-C; a commit run by a
 * normal user onto a parent they cannot write. Each drives the real tool as a process; a commit is
 * held in the middle of its merge by {@code -Dvmdk-delta.test.pauseBefore} until the test lets it
 * go.
 */
class LiveOperationIT {
  @TempDir Path root;

  /** sd0-000000.vmdk (data) <- sd0.vmdk (data over and beside the parent's), 20000 KiB. */
  private Path chain(String name) throws IOException {
    Path folder = Files.createDirectories(root.resolve(name));
    Path disk = QemuDisks.base(folder, "sd0.vmdk", "20000K");
    QemuDisks.write(disk, 0, 1 << 20, 0x41);
    ToolProcess.run(List.of(), "make", disk.toString()).expectSuccess();
    QemuDisks.write(disk, 768 << 10, 512 << 10, 0x42);
    return folder;
  }

  /** A commit of {@code disk} held before its first write into the parent, with its log. */
  private record Held(Process process, Path log, Path resume) {
    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    void release() throws IOException {
      Files.writeString(resume, "go");
    }
  }

  private Held commitHeldInItsMerge(Path folder) throws Exception {
    Path log = root.resolve(folder.getFileName() + ".log");
    Path resume = root.resolve(folder.getFileName() + ".resume");
    Process p =
        ToolProcess.start(
            List.of(
                "-Dvmdk-delta.test.pauseBefore=write:sd0-000000.vmdk",
                "-Dvmdk-delta.test.resumeWhen=" + resume),
            log,
            "commit",
            folder.resolve("sd0.vmdk").toString());
    Held held = new Held(p, log, resume);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!held.output().contains("vmdk-delta.test: paused before write")) {
      assertThat(p.isAlive()).as("commit ended before its merge: %s", held.output()).isTrue();
      assertThat(System.nanoTime()).as("commit reaches its merge").isLessThan(deadline);
      Thread.sleep(20); // polling the child's output: the latch is its "paused" line
    }
    return held;
  }

  @Test
  void aRunningCommitIsToldFromAnInterruptedOne() throws Exception {
    Path folder = chain("live");
    Path disk = folder.resolve("sd0.vmdk");
    Held commit = commitHeldInItsMerge(folder);
    try {
      String running = "another vmdk-delta is running in this folder (commit on sd0.vmdk)";
      FolderSnapshot during = FolderSnapshot.of(folder);

      Cli info = Cli.run("info", disk.toString());
      assertThat(info.code()).as(info.err()).isZero();
      assertThat(info.err()).contains("vmdk-delta: note: " + running).doesNotContain("interrupted");

      Cli check = Cli.run("check", disk.toString());
      assertThat(check.code()).as(check.out()).isZero();
      assertThat(check.out()).contains("warning: ", running).doesNotContain("interrupted");

      for (String verb : List.of("make", "delete", "revert", "commit")) {
        Cli r = Cli.run(verb, disk.toString());
        assertThat(r.code()).as(verb + ": " + r.err()).isEqualTo(7);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains(running, "wait for it to finish");
        Cli dry = Cli.run("--dry-run", verb, disk.toString());
        assertThat(dry.err()).as(verb).contains("note: " + running);
      }
      for (String[] args :
          List.of(
              new String[] {"recover", folder.toString()},
              new String[] {"--dry-run", "recover", folder.toString()})) {
        Cli r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).contains(running);
      }
      during.assertUnchanged();
    } finally {
      commit.release();
    }
    assertThat(commit.process().waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(commit.process().exitValue()).as(commit.output()).isZero();
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("sd0.vmdk");
    }
  }

  @Test
  void ctrlCDuringACommitSaysWhatWasInterruptedAndTheNextRunRollsItBack() throws Exception {
    Path folder = chain("interrupted");
    FolderSnapshot before = FolderSnapshot.of(folder);
    Held commit = commitHeldInItsMerge(folder);
    Process p = commit.process();
    // A shell without job control starts background jobs with SIGINT ignored, and the JVM then
    // leaves it ignored; SIGTERM takes the same path through the JVM (shutdown hooks, 128 + 15).
    boolean sigintIgnored = ignoresSigint(p.pid());
    if (sigintIgnored) {
      System.err.println(
          "NOTE: SIGINT is ignored in this environment (tests started in the background?):"
              + " sending SIGTERM instead, which the JVM handles the same way");
    }
    String signal = sigintIgnored ? "-TERM" : "-INT";
    Process kill = new ProcessBuilder("kill", signal, Long.toString(p.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("commit stops on %s", signal).isTrue();

    assertThat(p.exitValue()).isEqualTo(sigintIgnored ? 143 : 130);
    String disk = folder.resolve("sd0.vmdk").toString();
    assertThat(commit.output().lines().filter(l -> l.startsWith("vmdk-delta: ")))
        .containsExactly(
            "vmdk-delta: interrupted: the commit of "
                + disk
                + " did not finish; the next vmdk-delta command in this folder, or 'vmdk-delta"
                + " recover "
                + folder
                + "', rolls it back");
    // The guarantee holds as after a kill: the journal is left for recovery.
    Cli info = Cli.run("info", disk);
    assertThat(info.err()).contains("note: an interrupted operation left a journal");
    Cli recovered = Cli.run("recover", folder.toString());
    assertThat(recovered.code()).as(recovered.err()).isZero();
    assertThat(recovered.out()).contains("'commit'", "rolled back");
    before.assertUnchanged();
  }

  /** Whether SIGINT is ignored by process {@code pid} (Linux: the SigIgn mask in its status). */
  private static boolean ignoresSigint(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    Assumptions.assumeTrue(Files.exists(status), "needs /proc (Linux)");
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
        return (mask & (1L << (2 - 1))) != 0; // SIGINT is signal 2
      }
    }
    return false;
  }

  @Test
  void aNormalUserCommittingOntoAParentTheyCannotWriteIsRefusedBeforeAnyChange() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    boolean possible =
        Files.isExecutable(setpriv) && "root".equals(System.getProperty("user.name"));
    if (!possible) {
      System.err.println("SKIPPED: running as a normal user needs root and setpriv");
    }
    Assumptions.assumeTrue(possible, "root and setpriv, to run the tool as user nobody");
    Path folder = chain("normal-user");
    Path parent = folder.resolve("sd0-000000.vmdk");
    // nobody owns the folder and its files, the parent is read-only for everyone: chmod 444.
    for (Path p = folder; p != null && !p.equals(root.getParent()); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.toList();
    }
    chown("65534:65534", folder, files);
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r--r--r--"));
    FolderSnapshot before = FolderSnapshot.of(folder);

    List<String> command = new ArrayList<>();
    command.addAll(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xshare:off", "-jar", ToolProcess.jar().toString()));
    command.addAll(List.of("commit", folder.resolve("sd0.vmdk").toString()));
    Path log = root.resolve("nobody.log");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String output = Files.readString(log);

    assertThat(p.exitValue()).as(output).isEqualTo(6);
    assertThat(output.strip())
        .startsWith("vmdk-delta: " + parent + ": cannot be opened for writing")
        .contains("permission denied", "chmod u+w", "nothing was changed")
        .doesNotContain("\n");
    before.assertUnchanged(); // no journal, no undo log
  }

  private static void chown(String owner, Path folder, List<Path> files) throws Exception {
    List<String> command = new ArrayList<>(List.of("chown", owner, folder.toString()));
    files.forEach(f -> command.add(f.toString()));
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("chown").isTrue();
  }
}
