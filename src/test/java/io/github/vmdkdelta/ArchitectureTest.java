package io.github.vmdkdelta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layering of the design notes (section 2), checked on the sources: the format, chain and
 * operations packages neither use picocli nor print nor exit, and only {@code cli.Main} exits the
 * JVM. Comments and string literals are blanked before matching, so a Javadoc that mentions
 * System.out is no violation, and a fully qualified use such as {@code picocli.CommandLine.X}
 * without an import still is.
 */
class ArchitectureTest {
  private static final Path SOURCES =
      Path.of(System.getProperty("basedir", ""))
          .toAbsolutePath()
          .resolve("src/main/java/io/github/vmdkdelta");
  private static final List<String> CORE_PACKAGES = List.of("vmdk", "chain", "vm", "ops");
  private static final Path MAIN = SOURCES.resolve("cli/Main.java");

  /** Halts the JVM on purpose, only when a test process asks for it by system property. */
  private static final Path TEST_HOOKS = SOURCES.resolve("cli/TestHooks.java");

  private static final Pattern PICOCLI = Pattern.compile("\\bpicocli\\s*\\.");
  private static final Pattern PRINTS = Pattern.compile("\\bSystem\\s*\\.\\s*(out|err)\\b");
  private static final Pattern EXITS =
      Pattern.compile(
          "\\bSystem\\s*\\.\\s*exit\\b|\\bRuntime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*(exit|halt)\\b");
  private static final Pattern STACK_TRACE_TO_STDERR =
      Pattern.compile("\\.\\s*printStackTrace\\s*\\(\\s*\\)");

  @Test
  void corePackagesNeitherUsePicocliNorPrintNorExit() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String pkg : CORE_PACKAGES) {
      List<Path> files = javaFiles(SOURCES.resolve(pkg));
      assertThat(files).as("sources of package " + pkg + " (moved? update this test)").isNotEmpty();
      for (Path file : files) {
        String code = code(file);
        violations.addAll(find(file, code, PICOCLI, "uses picocli"));
        violations.addAll(find(file, code, PRINTS, "prints to System.out/err"));
        violations.addAll(find(file, code, EXITS, "exits the JVM"));
        violations.addAll(find(file, code, STACK_TRACE_TO_STDERR, "prints a stack trace"));
      }
    }
    assertThat(violations).as("design notes, section 2: no picocli and no printing here").isEmpty();
  }

  @Test
  void onlyCliMainExitsTheJvm() throws IOException {
    assertThat(MAIN).isRegularFile();
    List<String> violations = new ArrayList<>();
    for (Path file : javaFiles(SOURCES)) {
      if (!file.equals(MAIN) && !file.equals(TEST_HOOKS)) {
        violations.addAll(find(file, code(file), EXITS, "exits the JVM"));
      }
    }
    assertThat(violations)
        .as("only Main.main calls System.exit; everything else returns an exit code")
        .isEmpty();
  }

  // The scanner itself, so that a broken pattern cannot make the checks above pass vacuously.

  @Test
  void scannerFindsUsesInCode() {
    String sample =
        """
        import picocli.CommandLine;
        class X {
          @picocli.CommandLine.Option(names = "-x") int x;
          void f() {
            System.out.println("a");
            java.lang.System . err.print(1);
            System.exit(3);
            Runtime.getRuntime().halt(1);
            e.printStackTrace();
          }
        }
        """;
    String code = blankCommentsAndStrings(sample);

    assertThat(lines(code, PICOCLI)).containsExactly(1, 3);
    assertThat(lines(code, PRINTS)).containsExactly(5, 6);
    assertThat(lines(code, EXITS)).containsExactly(7, 8);
    assertThat(lines(code, STACK_TRACE_TO_STDERR)).containsExactly(9);
  }

  @Test
  void scannerIgnoresCommentsStringsAndLookalikes() {
    String sample =
        """
        /** Never calls System.exit or System.out; no picocli. here. */
        class Y {
          // System.err is for the CLI
          String s = "System.out.println(\\"picocli.\\") // not a comment";
          char c = '"';
          String t = \"""
              System.exit(1); picocli.CommandLine
              \""";
          /* System.exit(2);
             picocli.x */
          int mySystem = 0; Object notpicocli = null;
          void g(PrintWriter out) { out.println(mySystem); e.printStackTrace(out); }
        }
        """;
    String code = blankCommentsAndStrings(sample);

    assertThat(code.lines().count()).isEqualTo(sample.lines().count());
    for (Pattern p : List.of(PICOCLI, PRINTS, EXITS, STACK_TRACE_TO_STDERR)) {
      assertThat(lines(code, p)).as(p.pattern()).isEmpty();
    }
  }

  @Test
  void theChecksFailOnAViolatingSourceTree(@TempDir Path tree) throws IOException {
    Path file = tree.resolve("Bad.java");
    Files.writeString(file, "class Bad { void f() { System.out.println(1); System.exit(1); } }");

    assertThat(find(file, code(file), PRINTS, "prints")).singleElement().asString().contains(":1:");
    assertThat(find(file, code(file), EXITS, "exits")).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------

  private static List<Path> javaFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String code(Path file) throws IOException {
    return blankCommentsAndStrings(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static List<String> find(Path file, String code, Pattern pattern, String what) {
    List<String> found = new ArrayList<>();
    for (int line : lines(code, pattern)) {
      found.add(SOURCES.relativize(file.toAbsolutePath()) + ":" + line + ": " + what);
    }
    return found;
  }

  private static List<Integer> lines(String code, Pattern pattern) {
    List<Integer> lines = new ArrayList<>();
    Matcher m = pattern.matcher(code);
    while (m.find()) {
      int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
      lines.add(line);
    }
    return lines;
  }

  /**
   * Java source with every comment, string, text block and char literal replaced by spaces
   * (newlines kept, so line numbers stay right). Unicode escapes are not decoded; nobody writes
   * System.out as {@code \u0053ystem}.
   */
  static String blankCommentsAndStrings(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
        while (i < n && src.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        blank(src, i, end, out);
        i = end;
      } else if (src.startsWith("\"\"\"", i)) {
        int end = i + 3;
        while (end < n && !src.startsWith("\"\"\"", end)) {
          end += src.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 3);
        blank(src, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && src.charAt(end) != c && src.charAt(end) != '\n') {
          end += src.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 1);
        blank(src, i, end, out);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(String src, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      out.append(src.charAt(k) == '\n' ? '\n' : ' ');
    }
  }
}
