package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The structure of the launchers. {@code bin/vmdk-delta.cmd} cannot run here, so this reads it for
 * the mistakes that break a Windows batch file: LF endings, a lost exit code, unquoted paths, a
 * .cmd called without {@code call}, delayed expansion eating '!'. {@code bin/vmdk-delta} is run for
 * real by {@code LauncherIT}; here only its form is checked.
 */
class LauncherScriptsTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path CMD = ROOT.resolve("bin/vmdk-delta.cmd");
  private static final Path SH = ROOT.resolve("bin/vmdk-delta");

  /** The variables holding paths, which must be expanded inside double quotes only. */
  private static final Pattern PATH_VARIABLE =
      Pattern.compile(
          "%(VMDK_DELTA_ROOT|VMDK_DELTA_HOME|VMDK_DELTA_JAR|VMDK_DELTA_JAVA|VMDK_DELTA_JSA"
              + "|VMDK_DELTA_RELEASE|VMDK_DELTA_STAMP|TEMP|~dp0)%?");

  @Test
  void cmdHasCrlfLineEndingsOnlyAndIsAscii() throws IOException {
    byte[] bytes = Files.readAllBytes(CMD);
    assertThat(bytes).isNotEmpty();
    for (int i = 0; i < bytes.length; i++) {
      assertThat(bytes[i] & 0xff)
          .as("byte %d: cmd.exe reads the OEM code page", i)
          .isLessThan(0x80);
      if (bytes[i] == '\n') {
        assertThat(i > 0 && bytes[i - 1] == '\r').as("LF without CR at byte %d", i).isTrue();
      }
      if (bytes[i] == '\r') {
        assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("CR alone at %d", i).isTrue();
      }
    }
    assertThat(bytes[bytes.length - 1]).as("ends with a line break").isEqualTo((byte) '\n');
  }

  @Test
  void gitattributesKeepsTheLineEndings() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve(".gitattributes"));
    assertThat(lines).contains("*.cmd text eol=crlf", "bin/vmdk-delta text eol=lf");
  }

  @Test
  void cmdRunsTheJarWithAllArgumentsAndReturnsItsExitCode() throws IOException {
    List<String> lines = cmdLines();
    assertThat(lines.get(0)).isEqualToIgnoringCase("@echo off");

    List<Integer> javaLines = indexesOf(lines, "-jar");
    assertThat(javaLines).as("two lines run the jar: with and without the CDS archive").hasSize(2);
    assertThat(javaLines.stream().map(lines::get))
        .as("program, archive and jar quoted, JAVA_OPTS last and every argument passed")
        .containsExactly(
            "\"%VMDK_DELTA_JAVA%\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC %JAVA_OPTS% -jar"
                + " \"%VMDK_DELTA_JAR%\" %*",
            "\"%VMDK_DELTA_JAVA%\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                + " \"-XX:SharedArchiveFile=%VMDK_DELTA_JSA%\" -Xshare:auto %JAVA_OPTS% -jar"
                + " \"%VMDK_DELTA_JAR%\" %*");
    for (int i : javaLines) {
      assertThat(lines.get(i + 1))
          .as("the exit code of java is the exit code of the script")
          .isEqualToIgnoringCase("exit /b %ERRORLEVEL%");
    }
    assertThat(lines.stream().filter(l -> l.contains("%*"))).as("%* only there").hasSize(2);
  }

  @Test
  void cmdFindsTheRepositoryFromItsOwnFolderAndQuotesEveryPath() throws IOException {
    List<String> lines = cmdLines();
    assertThat(String.join("\n", lines)).contains("\"%~dp0..\"");
    List<String> unquoted = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!isComment(line) && !unquotedPathVariables(line).isEmpty()) {
        unquoted.add((i + 1) + ": " + line);
      }
    }
    assertThat(unquoted).as("paths may contain spaces, '&', '(' and ')'").isEmpty();
  }

  @Test
  void cmdControlFlowIsSafe() throws IOException {
    List<String> lines = cmdLines();
    List<String> code = lines.stream().filter(l -> !isComment(l)).toList();

    assertThat(code)
        .as("setlocal without delayed expansion, which would eat '!' in file names")
        .anyMatch(l -> l.matches("(?i)setlocal\\b.*DisableDelayedExpansion.*"))
        .noneMatch(l -> l.matches("(?i).*EnableDelayedExpansion.*"));
    assertThat(code)
        .as("no parenthesised blocks: a ')' in an expanded path would close them")
        .noneMatch(l -> l.trim().endsWith("(") || l.trim().startsWith(")"));
    assertThat(code)
        .as("a .cmd run without 'call' never returns to this script")
        .filteredOn(
            l ->
                l.matches("(?i).*\\bmvn(\\.cmd)?\\s.*")
                    && !l.startsWith("where ")
                    && !l.startsWith("echo "))
        .isNotEmpty()
        .allMatch(l -> l.matches("(?i)call mvn\\.cmd .*package 1>&2"));
    assertThat(code)
        .as("the lean build: the jar and its class list only")
        .anyMatch(l -> l.equals("call mvn.cmd -B -q -Dvmdk.lean package 1>&2"));

    List<String> labels =
        code.stream().filter(l -> l.startsWith(":")).map(l -> l.substring(1).trim()).toList();
    Matcher gotos = Pattern.compile("(?i)\\bgoto\\s+:?(\\w+)").matcher(String.join("\n", code));
    while (gotos.find()) {
      assertThat(labels).as("goto target").contains(gotos.group(1));
    }
  }

  /**
   * Both launchers build with the property that switches the pom's "full" profile off and its
   * "lean" one on: a first build then downloads what the jar needs, not the man-page toolchain
   * (JRuby) nor the test libraries. {@code LauncherIT} checks what such a build leaves in target/.
   */
  @Test
  void bothLaunchersBuildTheLeanProfileOfThePom() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertThat(pom)
        .containsPattern(
            "<id>full</id>\\s*<activation>\\s*<property><name>!vmdk\\.lean</name></property>")
        .containsPattern(
            "<id>lean</id>\\s*<activation>\\s*<property><name>vmdk\\.lean</name></property>");
    assertThat(Files.readString(SH, StandardCharsets.UTF_8))
        .contains("mvn -B -q -Dvmdk.lean package)")
        .doesNotContain("-DskipTests");
    assertThat(cmdLines()).contains("call mvn.cmd -B -q -Dvmdk.lean package 1>&2");
  }

  @Test
  void cmdStalenessCheckKeepsPathsOutOfThePowerShellText() throws IOException {
    List<String> ps = cmdLines().stream().filter(l -> l.contains("-Command")).toList();
    assertThat(ps)
        .singleElement()
        .asString()
        .contains("$env:VMDK_DELTA_JAR", "$env:VMDK_DELTA_ROOT", "LastWriteTimeUtc", "src\\main")
        .doesNotContain("%VMDK_DELTA_JAR%", "%VMDK_DELTA_ROOT%");
  }

  @Test
  void theQuotingCheckCanFail() {
    assertThat(unquotedPathVariables("java -jar %VMDK_DELTA_JAR% %*")).hasSize(1);
    assertThat(unquotedPathVariables("if exist \"%VMDK_DELTA_ROOT%\\x\" cd %~dp0")).hasSize(1);
    assertThat(unquotedPathVariables("set \"A=%VMDK_DELTA_ROOT%\\target\"")).isEmpty();
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void shIsExecutableWithLfEndingsAndValidSyntax() throws Exception {
    assertThat(SH).isExecutable();
    String text = Files.readString(SH, StandardCharsets.UTF_8);
    assertThat(text).startsWith("#!/bin/sh\n").doesNotContain("\r");
    assertThat(text)
        .contains(
            "exec \"$java\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${JAVA_OPTS:-} -jar \"$jar\""
                + " \"$@\"")
        .contains(
            "exec \"$java\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \"-XX:SharedArchiveFile=$jsa\""
                + " -Xshare:auto \\\n    ${JAVA_OPTS:-} -jar \"$jar\" \"$@\"");
    Process p = new ProcessBuilder("sh", "-n", SH.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
  }

  // ---------------------------------------------------------------------------------------

  private static List<String> cmdLines() throws IOException {
    return List.of(Files.readString(CMD, StandardCharsets.US_ASCII).split("\r\n"));
  }

  private static boolean isComment(String line) {
    String t = line.trim().toLowerCase(java.util.Locale.ROOT);
    return t.equals("rem") || t.startsWith("rem ") || t.startsWith("::");
  }

  private static List<Integer> indexesOf(List<String> lines, String text) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!isComment(lines.get(i)) && lines.get(i).contains(text)) {
        found.add(i);
      }
    }
    return found;
  }

  /** The path variables of {@code line} that stand outside double quotes. */
  static List<String> unquotedPathVariables(String line) {
    List<String> found = new ArrayList<>();
    Matcher m = PATH_VARIABLE.matcher(line);
    while (m.find()) {
      long quotesBefore = line.substring(0, m.start()).chars().filter(c -> c == '"').count();
      if (quotesBefore % 2 == 0) {
        found.add(m.group());
      }
    }
    return found;
  }
}
