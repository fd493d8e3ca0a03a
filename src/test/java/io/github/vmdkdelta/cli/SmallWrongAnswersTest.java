package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 13, section 6: long names, disks over 2 TiB, names the locale cannot represent. */
class SmallWrongAnswersTest {
  private static final Path BASE = Path.of("testdata", "base.vmdk");

  @TempDir Path tmp;

  private static String nameOfBytes(int bytes) {
    return "x".repeat(bytes - ".vmdk".length()) + ".vmdk";
  }

  /** Every name this folder holds, while an operation runs or after, fits in 255 bytes. */
  private static void assertNamesFit(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        assertThat(f.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
            .as(f.getFileName().toString())
            .isLessThanOrEqualTo(255);
      }
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {240, 241, 244, 248})
  void namesWhoseFrozenNameFitsWorkForEveryCommand(int bytes) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path disk = Files.copy(BASE, dir.resolve(nameOfBytes(bytes)));
    FolderSnapshot original = FolderSnapshot.of(dir);

    Cli make = Cli.run("make", disk.toString());
    assertThat(make.code()).as(make.err()).isZero();
    assertNamesFit(dir);
    Cli delete = Cli.run("delete", disk.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    original.assertUnchanged();
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();
    QemuDisks.write(disk, 0, 65536, 0x44);
    Cli commit = Cli.run("commit", "--quiet", disk.toString());
    assertThat(commit.code()).as(commit.err()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out()).isZero();
    assertThat(Files.list(dir).toList()).containsExactly(disk);
  }

  @Test
  void aNameWhoseFrozenNameWouldNotFitIsRefusedUpFront() throws IOException {
    String name = nameOfBytes(249);
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        tmp,
        dir -> Files.copy(BASE, dir.resolve(name)),
        "make " + name,
        4,
        "file name: too long for the snapshot's names",
        "would be 256 bytes, at most 255",
        "rename the disk to a shorter name first");
  }

  @Test
  void aDiskLargerThan2TiBIsUnsupportedNotCorrupt() throws IOException {
    for (String verb : List.of("make", "info", "check")) {
      Path root = Files.createDirectory(tmp.resolve(verb));
      RefusalCheck.assertRefusedAndUnchangedFromScratch(
          root,
          dir -> QemuDisks.base(dir, "sd0.vmdk", "4T"),
          verb,
          4,
          "sd0.vmdk: header: capacity larger than 2 TiB (4398046511104 bytes): a valid disk, but"
              + " this tool handles sparse files of at most 2 TiB");
    }
  }

  /**
   * {@code caf\xe9.vmdk} (Latin-1) on a UTF-8 system: Java reads the argument's byte 0xe9 as
   * U+FFFD, as the JVM does with {@code main}'s arguments, so the name it looks for is not the
   * file's. The file is made with its raw bytes by the shell, which Java cannot do.
   */
  @Test
  void aNameTheLocaleCannotRepresentIsSaidSoNotNoSuchFile() throws IOException {
    assertThat(System.getProperty("sun.jnu.encoding")).isEqualTo("UTF-8");
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    ExternalTools.run(
            dir, "sh", "-c", "cp \"$0\" \"$(printf 'caf\\351.vmdk')\"", BASE.toAbsolutePath())
        .expectSuccess();
    assertThat(Files.list(dir).count()).isEqualTo(1);
    FolderSnapshot before = FolderSnapshot.of(dir);
    String asJavaReadsIt = dir.resolve("caf").toString() + "\uFFFD.vmdk";

    for (String verb : List.of("make", "info", "delete")) {
      Cli r = Cli.run(verb, asJavaReadsIt);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.errLines())
          .containsExactly(
              "vmdk-delta: "
                  + asJavaReadsIt
                  + ": file name: holds bytes that are not valid in this system's charset for file"
                  + " names (UTF-8), so Java cannot name the file (it reads them as U+FFFD); rename"
                  + " the file to a name in that charset (for example with convmv), or run in a"
                  + " locale whose charset the name is written in");
    }
    before.assertUnchanged();
  }

  @Test
  void aNameThatReallyHoldsUFFFDStillWorks() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path disk = Files.copy(BASE, dir.resolve("caf\uFFFD.vmdk"));
    Cli r = Cli.run("info", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }
}
