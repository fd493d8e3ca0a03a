package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever a disk is called, {@code make} either refuses it with one line and nothing changed, or
 * makes a snapshot that the tool itself can undo and use: {@code check} finds no problem, {@code
 * delete} gives back the folder byte for byte, and after another {@code make}, {@code revert} and
 * {@code commit} work and leave a chain {@code check} accepts. qemu-img must follow the parent hint
 * it wrote.
 */
class MakeNameCasesTest {
  private static final Path BASE = Path.of("testdata", "base.vmdk");

  /** The file names tried, with the reason each is interesting. */
  static Stream<String> names() {
    List<String> names =
        new ArrayList<>(
            List.of(
                "sd0.vmdk",
                "sd\\0.vmdk", // a folder separator on Windows, and in our own hint reader
                "C:sd0.vmdk", // a drive letter on Windows
                "c:.vmdk",
                "sd0:1.vmdk", // a protocol prefix for qemu
                "..\\sd0.vmdk",
                " sd0.vmdk", // leading and trailing spaces and dots
                "sd0.vmdk ",
                "sd0 .vmdk",
                ".sd0.vmdk",
                "sd0.vmdk.",
                "sd0.",
                "..vmdk",
                "...vmdk",
                ".vmdk",
                "sd0",
                "sd0..vmdk",
                "-sd0.vmdk",
                "sd\"0.vmdk", // quotes end a descriptor value
                "'sd0'.vmdk",
                "sd#0.vmdk", // a comment outside quotes
                "#sd0.vmdk",
                "sd=0.vmdk",
                "sd0 = x.vmdk",
                "sd0%20x+1.vmdk", // the journal's escapes
                "sd0&;$`*?|<>~.vmdk",
                "sd\t0.vmdk", // control characters: a descriptor is lines of text
                "sd\n0.vmdk",
                "sd\r0.vmdk",
                "sd\u001f0.vmdk",
                "sd0\u007f.vmdk",
                "café.vmdk",
                "日本語ディスク.vmdk",
                "disk \uD83D\uDE00.vmdk",
                "e\u0301.vmdk",
                "\u00a0sd0\u2003.vmdk",
                "sd0-000000.vmdk", // names that look like ours
                "sd0-000000-000000.vmdk",
                "sd0-s001.vmdk",
                "sd0-flat.vmdk",
                "sd0.vmdk-delta-new",
                "SD0.VMDK",
                "Sd0.VmDk",
                "con.vmdk",
                "x".repeat(100) + ".vmdk"));
    // Long names: 240 to 248 bytes fit with their frozen name, 249 and more do not.
    for (int bytes : new int[] {239, 240, 244, 248, 249, 250, 255}) {
      names.add("x".repeat(bytes - 5) + ".vmdk");
    }
    names.add("é".repeat(120) + ".vmdk"); // 245 bytes, 125 characters
    names.add("日".repeat(81) + ".vmdk"); // 248 bytes
    return names.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("names")
  void makeRefusesOrEveryCommandAcceptsWhatItWrote(String name, @TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path disk = dir.resolve(name);
    Files.copy(BASE, disk);
    nameInExtentLine(disk, name);
    FolderSnapshot original = FolderSnapshot.of(dir);

    Cli make = Cli.run("make", disk.toString());
    if (mustRefuse(name)) {
      assertThat(make.code()).as(make.err()).isEqualTo(4);
      assertThat(make.errLines()).as(make.err()).hasSize(1);
      assertThat(make.errLines()[0]).startsWith("vmdk-delta: ").contains(": file name: ");
      assertThat(make.errLines()[0])
          .containsAnyOf("contains", "too long")
          .contains("rename the disk");
      original.assertUnchanged();
      return;
    }
    assertThat(make.code()).as(make.err()).isZero();
    assertThat(make.err()).as("make's warnings").isEmpty();
    assertClean(disk);
    assertQemuFollows(dir, name, 2);

    Cli delete = Cli.run("delete", disk.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    original.assertUnchanged();

    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    assertThat(Cli.run("make", disk.toString()).code()).as("make on the delta").isZero();
    assertClean(disk);
    assertQemuFollows(dir, name, 3);
    qemuIo(dir, name, "write -P 0x33 0 64k");
    Cli revert = Cli.run("revert", disk.toString());
    assertThat(revert.code()).as(revert.err()).isZero();
    assertClean(disk);
    qemuIo(dir, name, "write -P 0x44 64k 64k");
    Cli commit = Cli.run("commit", "--quiet", disk.toString());
    assertThat(commit.code()).as(commit.err()).isZero();
    assertClean(disk);
    assertQemuFollows(dir, name, 2);
    qemuIo(dir, name, "read -P 0x44 64k 64k");
    Cli delete2 = Cli.run("delete", disk.toString());
    assertThat(delete2.code()).as(delete2.err()).isZero();
    assertClean(disk);
  }

  /**
   * The names no parent hint can carry back to the file for every reader (a folder separator or a
   * drive letter or protocol prefix for some, a quote or line break inside a descriptor value), and
   * those whose frozen name would be longer than 255 bytes.
   */
  private static boolean mustRefuse(String name) {
    int frozenBytes = name.getBytes(StandardCharsets.UTF_8).length + "-000000".length();
    return name.chars().anyMatch(c -> c == '\\' || c == ':' || c == '"' || c < 0x20 || c == 0x7f)
        || frozenBytes > 255;
  }

  /** The copy's extent line names it, as when a tool created it under this name. */
  private static void nameInExtentLine(Path disk, String name) throws IOException {
    if (name.indexOf('"') >= 0 || name.chars().anyMatch(c -> c < 0x20)) {
      return; // no tool writes such an extent line; the copy keeps naming base.vmdk
    }
    byte[] from = "\"base.vmdk\"".getBytes(StandardCharsets.US_ASCII);
    byte[] to = ("\"" + name + "\"").getBytes(StandardCharsets.UTF_8);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      byte[] area = new byte[20 * 512];
      f.seek(512);
      f.readFully(area);
      String text = new String(area, StandardCharsets.ISO_8859_1);
      int at = text.indexOf(new String(from, StandardCharsets.ISO_8859_1));
      int end = text.indexOf('\0');
      byte[] now = new byte[area.length];
      System.arraycopy(area, 0, now, 0, at);
      System.arraycopy(to, 0, now, at, to.length);
      System.arraycopy(area, at + from.length, now, at + to.length, end - at - from.length);
      f.seek(512);
      f.write(now);
    }
  }

  private static void assertClean(Path disk) {
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();
    assertThat(check.out()).doesNotContain("warning");
  }

  private static void assertQemuFollows(Path dir, String name, int disks) throws IOException {
    ExternalTools.Result info =
        ExternalTools.run(
            dir,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "info",
            "--backing-chain",
            "./" + name);
    assertThat(info.exitCode()).as(info.output()).isZero();
    assertThat(info.output().lines().filter(l -> l.startsWith("image: ")).count())
        .as(info.output())
        .isEqualTo(disks);
  }

  private static void qemuIo(Path dir, String name, String command) throws IOException {
    ExternalTools.run(dir, ExternalTools.require(ExternalTools.QEMU_IO), "-c", command, "./" + name)
        .expectSuccess();
  }
}
