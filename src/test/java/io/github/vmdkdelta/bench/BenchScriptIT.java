package io.github.vmdkdelta.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bench/run.sh} working: runs {@code bench/run.sh --quick --no-build} after {@code
 * package} (failsafe), on the jar and test classes just built, writing its report to a temporary
 * file, and checks that the report has every table with a number in every cell. The figures
 * themselves are not checked: a benchmark is not a timed test. {@code docs/benchmarks.md} must be
 * left as it was. Without bash, python3 or qemu-img the test is skipped with a message, or fails
 * when {@code CI=true}.
 */
@DisabledOnOs(OS.WINDOWS)
class BenchScriptIT {
  private static final Path ROOT =
      Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("bench").resolve("run.sh");
  private static final Path PUBLISHED = ROOT.resolve("docs").resolve("benchmarks.md");

  /** One measured figure: "12", "0.25", "768 (731–980)", "1.05". */
  private static final String NUMBER = "\\d+(\\.\\d+)?";

  private static final Pattern FIGURE =
      Pattern.compile(NUMBER + "( \\(" + NUMBER + "–" + NUMBER + "\\))?");

  @TempDir Path temp;

  @Test
  void quickRunWritesEveryTableWithNumbers() throws Exception {
    Path bash = ExternalTools.require("bash");
    ExternalTools.require("python3");
    ExternalTools.require(ExternalTools.QEMU_IMG);
    byte[] published = Files.exists(PUBLISHED) ? Files.readAllBytes(PUBLISHED) : null;
    Path report = temp.resolve("benchmarks.md");
    Path work = Files.createDirectories(temp.resolve("work"));
    Path log = temp.resolve("run.log");

    ProcessBuilder pb =
        new ProcessBuilder(
                bash.toString(),
                SCRIPT.toString(),
                "--quick",
                "--no-build",
                "--out",
                report.toString(),
                "--dir",
                work.toString())
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bench/run.sh --quick still running after 5 minutes:\n" + read(log));
    }
    assertThat(p.exitValue()).as("exit code; output:\n%s", read(log)).isZero();

    String md = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(md)
        .startsWith("# Benchmarks")
        .contains(
            "## Machine",
            "## make: whole process",
            "## make: where vmdk-delta's whole-process time goes",
            "## make: allocation of the new delta",
            "## delete: whole process",
            "## In-process, JVM warm",
            "## Targets (issue 7)")
        .contains("qemu-img version", "--quick")
        .doesNotContain("n/a", "NaN", "| |");
    // Figures per capacity: make times 6, where make's time goes 4, allocation 5, delete 3,
    // in-process 3.
    for (String capacity : List.of("1GiB", "64GiB")) {
      List<List<String>> rows = rows(md, capacity);
      assertThat(rows).as("rows for %s", capacity).hasSize(5);
      assertThat(rows).extracting(List::size).containsExactly(6, 4, 5, 3, 3);
      for (List<String> row : rows) {
        assertThat(row).allSatisfy(cell -> assertThat(cell).matches(FIGURE));
      }
    }
    assertThat(md).contains("| child allocation at or below qemu-img's at every capacity |");
    assertThat(Files.exists(PUBLISHED) ? Files.readAllBytes(PUBLISHED) : null)
        .as("docs/benchmarks.md is left alone")
        .isEqualTo(published);
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).as("test disks removed").isEmpty();
    }
  }

  /** The figures of each table row for {@code capacity}, without the capacity cell. */
  private static List<List<String>> rows(String md, String capacity) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : md.split("\n", -1)) {
      if (line.startsWith("| " + capacity + " |")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
        List<String> figures = new ArrayList<>();
        for (int i = 1; i < cells.length; i++) {
          figures.add(cells[i].trim());
        }
        rows.add(figures);
      }
    }
    return rows;
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }
}
