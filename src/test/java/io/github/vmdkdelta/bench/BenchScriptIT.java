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
 * file, and checks that the report has every table, each with its rows and a number in every cell.
 * The figures themselves are not checked: a benchmark is not a timed test. {@code
 * docs/benchmarks.md} must be left as it was. Without bash, python3, qemu-img, qemu-io or hyperfine
 * the test is skipped with a message, or fails when {@code CI=true}.
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
    ExternalTools.require(ExternalTools.QEMU_IO);
    ExternalTools.require("hyperfine");
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
            "## make: parents whose grain tables are in use",
            "## delete: whole process",
            "## revert: whole process",
            "## info: whole process",
            "## check: whole process",
            "## commit: whole process",
            "## In-process, JVM warm",
            "## Targets (issue 7)")
        .contains("qemu-img version", "--quick")
        .doesNotContain("n/a", "NaN", "| |", "\\`");
    // Every table of figures, in order: rows (capacities 1GiB and 64GiB; two 2 TiB parents with
    // tables in use; chains of 1 and 8 layers; 64MiB of data; three commit layouts) by figures
    // per row, the label cell left out.
    List<Table> figures =
        tables(md).stream().filter(t -> !t.header().startsWith("| what |")).toList();
    assertThat(figures)
        .extracting(Table::shape)
        .containsExactly(
            "2x6", // make: times and ratios
            "2x4", // make: where the time goes
            "2x5", // make: allocation
            "2x5", // make: 2 TiB parents with tables in use
            "2x3", // delete
            "2x5", // revert
            "2x4", // info
            "1x6", // check
            "3x5", // commit: times and MB/s
            "3x5", // commit: bytes read and written, rm
            "2x4", // in-process
            "5x2"); // targets: measured, holds
    for (Table t : figures.subList(0, figures.size() - 1)) {
      for (List<String> row : t.rows()) {
        assertThat(row).as("%s", t.header()).allSatisfy(cell -> assertThat(cell).matches(FIGURE));
      }
    }
    assertThat(md)
        .contains(
            "| child allocation at or below qemu-img's at every capacity |",
            "| `check` throughput at least qemu-img's on the same data |",
            "| `commit` throughput at least qemu-img's on the same data |",
            "| 64MiB appended |",
            "| 64MiB overwritten in place |");
    assertThat(Files.exists(PUBLISHED) ? Files.readAllBytes(PUBLISHED) : null)
        .as("docs/benchmarks.md is left alone")
        .isEqualTo(published);
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).as("test disks removed").isEmpty();
    }
  }

  /** A table of the report: its header line and its rows' cells after the first (the label). */
  private record Table(String header, List<List<String>> rows) {
    String shape() {
      return rows.size() + "x" + (rows.isEmpty() ? 0 : rows.get(0).size());
    }
  }

  /** The tables of {@code md}, in order. */
  private static List<Table> tables(String md) {
    List<Table> tables = new ArrayList<>();
    String[] lines = md.split("\n", -1);
    for (int i = 0; i + 1 < lines.length; i++) {
      if (!lines[i].startsWith("|") || !lines[i + 1].startsWith("|---")) {
        continue;
      }
      List<List<String>> rows = new ArrayList<>();
      int j = i + 2;
      for (; j < lines.length && lines[j].startsWith("|"); j++) {
        String[] cells = lines[j].substring(1, lines[j].length() - 1).split("\\|", -1);
        List<String> figures = new ArrayList<>();
        for (int c = 1; c < cells.length; c++) {
          figures.add(cells[c].trim());
        }
        rows.add(figures);
      }
      tables.add(new Table(lines[i], rows));
      i = j;
    }
    return tables;
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }
}
