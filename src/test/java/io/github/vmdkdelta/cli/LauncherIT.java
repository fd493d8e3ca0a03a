package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@code bin/vmdk-delta} as users do: from another folder, through symlinks, under each POSIX
 * shell installed, with the locale cleared as in CI, on disks whose folder and file names have
 * spaces, Japanese and an apostrophe. Runs after {@code package}, so the jar is fresh and the
 * launcher must not rebuild it; rebuilding is tested on a copy of the repository.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherIT {
  private static final Path ROOT =
      Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("bin").resolve("vmdk-delta");
  private static final Path JAR = ROOT.resolve("target").resolve("vmdk-delta.jar");
  private static final boolean CI = "true".equals(System.getenv("CI"));
  private static final String FOLDER = "VMs of O'Brien 日本語 ディスク";
  private static final String DISK = "日本語 ディスク.vmdk";
  private static final String IRISH_DISK = "O'Brien's disk.vmdk";

  @TempDir Path temp;
  private Path elsewhere;

  /** A missing tool fails the build in CI and skips, visibly, on a developer's machine. */
  private static void require(boolean condition, String what) {
    if (condition) {
      return;
    }
    if (CI) {
      fail(what + " (CI=true: this is a failure, not a skip)");
    }
    System.err.println("LauncherIT: SKIPPED: " + what);
    Assumptions.abort(what);
  }

  @BeforeAll
  static void preconditions() throws IOException {
    require(
        "UTF-8".equals(System.getProperty("sun.jnu.encoding")),
        "this test JVM cannot encode non-ASCII file names (sun.jnu.encoding="
            + System.getProperty("sun.jnu.encoding")
            + "): the failsafe configuration sets LC_ALL=C.UTF-8; is that locale installed?");
    assertThat(LAUNCHER).isRegularFile().isExecutable();
    assertThat(JAR).as("run through 'mvn verify', which builds the jar first").isRegularFile();
    FileTime built = Files.getLastModifiedTime(JAR);
    try (Stream<Path> sources =
        Stream.concat(Stream.of(ROOT.resolve("pom.xml")), Files.walk(ROOT.resolve("src/main")))) {
      List<Path> newer = sources.filter(p -> modified(p).compareTo(built) > 0).limit(5).toList();
      require(
          newer.isEmpty(),
          JAR
              + " is older than "
              + newer
              + ": run 'mvn -B package' first (this test must not"
              + " make the launcher rebuild the real tree)");
    }
  }

  @BeforeEach
  void makeElsewhere() throws IOException {
    elsewhere = Files.createDirectories(temp.resolve("somewhere else 日本語"));
  }

  @Test
  void versionFromAnotherFolder() throws Exception {
    Result r = run(elsewhere, Map.of(), LAUNCHER.toString(), "--version");

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out.lines().findFirst()).contains("vmdk-delta " + pomVersion());
    assertThat(r.err).as("no rebuild, no warning").isEmpty();
  }

  @Test
  void makeThenDeleteWithSpacesJapaneseAndApostrophes() throws Exception {
    Path folder = Files.createDirectories(temp.resolve(FOLDER));
    for (String name : List.of(DISK, IRISH_DISK)) {
      Path disk = createDisk(folder, name);
      byte[] original = Files.readAllBytes(disk);
      String stem = name.substring(0, name.length() - ".vmdk".length());

      // make: absolute path, from another folder.
      Result made = run(elsewhere, Map.of(), LAUNCHER.toString(), "make", disk.toString());
      assertThat(made.code).as(made.toString()).isZero();
      assertThat(made.err).as(made.toString()).isEmpty();
      assertThat(made.out).contains(stem + "-000000.vmdk").doesNotContain("?");
      assertThat(names(folder)).contains(name, stem + "-000000.vmdk");

      // delete: relative path, from the disk's own folder.
      Result deleted = run(folder, Map.of(), LAUNCHER.toString(), "delete", name);
      assertThat(deleted.code).as(deleted.toString()).isZero();
      assertThat(deleted.err).as(deleted.toString()).isEmpty();
      assertThat(names(folder)).contains(name).doesNotContain(stem + "-000000.vmdk");
      assertThat(Files.readAllBytes(disk)).as("the disk as it was before make").isEqualTo(original);
    }
    assertThat(names(folder)).containsExactlyInAnyOrder(DISK, IRISH_DISK);
  }

  @Test
  void badArgumentExits2() throws Exception {
    Result r = run(elsewhere, Map.of(), LAUNCHER.toString(), "make", "--no-such-option", "x");

    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err.lines()).singleElement().asString().startsWith("vmdk-delta: ");
  }

  /**
   * {@code caf\xe9.vmdk}, a Latin-1 name, on a UTF-8 system: the JVM reads the argument's byte 0xe9
   * as U+FFFD and would look for another file. Through the launcher and through {@code java -jar}
   * under {@code LC_ALL=C.UTF-8}, the tool says what is wrong (exit 2), not "no such file". Java
   * cannot name such a file, hence {@code sh} and {@code printf}.
   */
  @Test
  void aLatin1NameOnAUtf8SystemIsSaidSoWithExit2() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("latin1"));
    Path disk = createDisk(folder, "base.vmdk");
    String raw = "\"$(printf 'caf\\351.vmdk')\"";
    Result copied = run(folder, Map.of(), "sh", "-c", "cp base.vmdk " + raw);
    assertThat(copied.code).as(copied.toString()).isZero();
    byte[] original = Files.readAllBytes(disk);
    String java = ProcessHandle.current().info().command().orElse("java");

    for (String command :
        List.of(
            "exec \"$0\" make " + raw,
            "exec \"$0\" info " + raw,
            "exec \"$1\" -jar \"$2\" delete " + raw)) {
      Result r =
          run(
              folder,
              Map.of("LC_ALL", "C.UTF-8"),
              "sh",
              "-c",
              command,
              LAUNCHER.toString(),
              java,
              JAR.toString());
      assertThat(r.code).as(r.toString()).isEqualTo(2);
      assertThat(r.out).isEmpty();
      assertThat(r.err.lines())
          .singleElement()
          .asString()
          .startsWith("vmdk-delta: caf")
          .contains(
              ".vmdk: file name: holds bytes that are not valid in this system's charset for file"
                  + " names (UTF-8)");
    }
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.count()).as("base.vmdk and its Latin-1 copy, nothing else").isEqualTo(2);
    }
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);
  }

  @Test
  void missingFileExits6AndNamesItUnmangled() throws Exception {
    Path missing = temp.resolve(FOLDER).resolve("missing " + DISK);

    Result r = run(elsewhere, Map.of(), LAUNCHER.toString(), "make", missing.toString());

    assertThat(r.code).as(r.toString()).isEqualTo(6);
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .startsWith("vmdk-delta: ")
        .contains("missing " + DISK);
  }

  @Test
  void worksThroughSymlinks() throws Exception {
    Path links = Files.createDirectories(temp.resolve("links 日本語/O'Brien's bin"));
    Path direct = Files.createSymbolicLink(links.resolve("vd"), LAUNCHER);
    // a relative link to a link, as `ln -s vd vd2` makes
    Path chained = Files.createSymbolicLink(links.resolve("vd2"), Path.of("vd"));
    // a link to the bin folder itself: the script is found but its folder is a link
    Path linkedBin = Files.createSymbolicLink(temp.resolve("linked bin"), LAUNCHER.getParent());

    for (Path launcher : List.of(direct, chained, linkedBin.resolve("vmdk-delta"))) {
      Result r = run(elsewhere, Map.of(), launcher.toString(), "--version");
      assertThat(r.code).as(launcher + ": " + r).isZero();
      assertThat(r.out).as(launcher.toString()).startsWith("vmdk-delta " + pomVersion());
    }

    Path disk = createDisk(Files.createDirectories(temp.resolve(FOLDER)), DISK);
    Result made = run(elsewhere, Map.of(), chained.toString(), "make", disk.toString());
    assertThat(made.code).as(made.toString()).isZero();
    Result deleted = run(elsewhere, Map.of(), direct.toString(), "delete", disk.toString());
    assertThat(deleted.code).as(deleted.toString()).isZero();
    assertThat(names(disk.getParent())).containsExactly(DISK);
  }

  /** {@code sh} (dash on Debian), and every other POSIX shell that is installed. */
  static Stream<String> shells() {
    return Stream.of("sh", "dash", "bash", "busybox", "ksh", "mksh", "posh", "yash")
        .filter(s -> s.equals("sh") || onPath(s).isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shells")
  void runsUnderPosixShells(String shell) throws Exception {
    Optional<Path> program = onPath(shell);
    require(program.isPresent(), shell + " not found on the PATH");
    List<String> command = new ArrayList<>();
    command.add(program.get().toString());
    if (shell.equals("busybox")) {
      command.add("sh");
    } else if (shell.equals("bash")) {
      command.add("--posix");
    }
    command.addAll(
        List.of(LAUNCHER.toString(), "make", temp.resolve("missing " + DISK).toString()));

    Result r = run(elsewhere, Map.of(), command.toArray(String[]::new));

    assertThat(r.code).as(shell + ": " + r).isEqualTo(6);
    assertThat(r.err).as(shell).contains("missing " + DISK);
  }

  @Test
  void javaOptsReachTheJvmAndTheCLocaleBecomesUtf8() throws Exception {
    Map<String, Map<String, String>> locales = new HashMap<>();
    locales.put("unset", Map.of());
    locales.put("LC_ALL=C", Map.of("LC_ALL", "C"));
    locales.put("LANG=POSIX", Map.of("LANG", "POSIX"));
    locales.put("LC_ALL=not installed", Map.of("LC_ALL", "xx_XX.nothing"));
    for (var locale : locales.entrySet()) {
      Map<String, String> env = new HashMap<>(locale.getValue());
      env.put("JAVA_OPTS", "-XshowSettings:properties -Dvmdk.delta.test=yes");

      Result r = run(elsewhere, env, LAUNCHER.toString(), "--version");

      assertThat(r.code).as(locale.getKey() + ": " + r).isZero();
      assertThat(r.err)
          .as(locale.getKey())
          .contains("vmdk.delta.test = yes")
          .contains("sun.jnu.encoding = UTF-8");
    }
  }

  /**
   * JAVA names a stand-in for java that records its arguments, its folder and its locale variables,
   * and exits 42: every argument arrives unchanged, JAVA_OPTS is split at spaces but not globbed,
   * the caller's folder is kept, and the exit code comes back.
   */
  @Test
  void argumentsEnvironmentAndExitCodePassThroughUnchanged() throws Exception {
    Path fakeJava = temp.resolve("fake java 日本語");
    Files.writeString(
        fakeJava,
        """
        #!/bin/sh
        for a in "$@"; do printf '%s\\0' "$a"; done >"$FAKE_JAVA_OUT.args"
        printf '%s\\0' "LC_ALL=${LC_ALL-(unset)}" "LC_CTYPE=${LC_CTYPE-(unset)}" \\
          "LANG=${LANG-(unset)}" "PWD=$(pwd)" >"$FAKE_JAVA_OUT.env"
        exit 42
        """,
        StandardCharsets.UTF_8);
    assertThat(fakeJava.toFile().setExecutable(true)).isTrue();
    Path record = temp.resolve("record");
    List<String> args =
        List.of(
            "make",
            "",
            " lead and trail ",
            "*",
            "$HOME",
            "`id`",
            "$(id)",
            "a\nb",
            "tab\there",
            DISK,
            IRISH_DISK,
            "\"quoted\"",
            "back\\slash",
            "-Dnot.a.jvm.option=1",
            "@argfile",
            "--",
            "-");
    Map<String, Map<String, String>> cases = new HashMap<>();
    cases.put("unset", Map.of());
    cases.put("LC_ALL=C", Map.of("LC_ALL", "C"));
    cases.put("LANG=C.UTF-8", Map.of("LANG", "C.UTF-8", "LC_MESSAGES", "C"));
    for (var locale : cases.entrySet()) {
      Map<String, String> env = new HashMap<>(locale.getValue());
      env.put("JAVA", fakeJava.toString());
      env.put("JAVA_OPTS", "-Xmx64m  -Dglob=*");
      env.put("FAKE_JAVA_OUT", record.toString());
      List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
      command.addAll(args);

      Result r = run(elsewhere, env, command.toArray(String[]::new));

      assertThat(r.code).as(locale.getKey() + ": " + r).isEqualTo(42);
      // No release file beside this java, so no CDS archive: only the launcher's JIT and GC
      // options, then JAVA_OPTS, which therefore win.
      List<String> expected =
          new ArrayList<>(
              List.of(
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx64m",
                  "-Dglob=*",
                  "-jar",
                  JAR.toString()));
      expected.addAll(args);
      assertThat(nulSeparated(Path.of(record + ".args"))).isEqualTo(expected);
      List<String> seen = nulSeparated(Path.of(record + ".env"));
      assertThat(seen).contains("PWD=" + elsewhere.toRealPath());
      switch (locale.getKey()) {
        case "unset" ->
            assertThat(seen)
                .contains("LC_ALL=(unset)", "LANG=(unset)")
                .anyMatch(v -> v.matches("LC_CTYPE=.*\\.(?i)utf-?8"));
        case "LC_ALL=C" ->
            assertThat(seen)
                .contains("LC_CTYPE=(unset)")
                .anyMatch(v -> v.matches("LC_ALL=.*\\.(?i)utf-?8"));
        default ->
            assertThat(seen)
                .as("a UTF-8 locale is left as it is")
                .contains("LC_ALL=(unset)", "LC_CTYPE=(unset)", "LANG=C.UTF-8");
      }
    }
  }

  @Test
  void javaNotFoundIsOneLineAndExit1() throws Exception {
    Result r =
        run(elsewhere, Map.of("JAVA", "/nonexistent/java 日本語"), LAUNCHER.toString(), "--version");

    assertThat(r.code).as(r.toString()).isEqualTo(1);
    assertThat(r.out).isEmpty();
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .startsWith("vmdk-delta: java not found")
        .contains("/nonexistent/java 日本語");
  }

  /**
   * The first-run path on a copy of the repository whose own path has spaces, Japanese and an
   * apostrophe: a stale jar is rebuilt (by Maven, which also needs the UTF-8 locale to work in such
   * a folder), a fresh one is not, and without Maven the launcher says so.
   */
  @Test
  void rebuildsAStaleJarInACopyOfTheRepository() throws Exception {
    Path copy = Files.createDirectories(temp.resolve("O'Brien's clone 日本語"));
    copyTree(ROOT.resolve("pom.xml"), copy.resolve("pom.xml"));
    copyTree(ROOT.resolve("src/main"), copy.resolve("src/main"));
    copyTree(ROOT.resolve("bin"), copy.resolve("bin"));
    if (Files.isDirectory(ROOT.resolve(".mvn"))) {
      copyTree(ROOT.resolve(".mvn"), copy.resolve(".mvn"));
    }
    Path copiedJar = copy.resolve("target/vmdk-delta.jar");
    copyTree(JAR, copiedJar);
    Files.setLastModifiedTime(copiedJar, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    String launcher = copy.resolve("bin/vmdk-delta").toString();

    Result stale = run(elsewhere, Map.of(), launcher, "--version");
    assertThat(stale.code).as(stale.toString()).isZero();
    assertThat(stale.err).contains("rebuilding");
    assertThat(stale.out).startsWith("vmdk-delta " + pomVersion());
    assertThat(Files.getLastModifiedTime(copiedJar).toInstant())
        .isAfter(Files.getLastModifiedTime(copy.resolve("pom.xml")).toInstant());

    // The launchers' lean build: the jar and its class list, from which the launcher has its
    // class data sharing archive (in this path with spaces, Java 17 serves only the JDK's
    // classes from it: docs/startup.md), and none of a release's extras.
    Path built = copy.resolve("target");
    assertThat(built.resolve("vmdk-delta.classlist")).isRegularFile();
    assertThat(built.resolve("vmdk-delta.jsa")).isRegularFile();
    try (Stream<Path> files = Files.list(built)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no man pages, completion script or distribution archives")
          .doesNotContain("man-adoc", "man", "completion")
          .noneMatch(name -> name.contains("-dist."));
    }

    Result fresh = run(elsewhere, Map.of(), launcher, "--version");
    assertThat(fresh.code).as(fresh.toString()).isZero();
    assertThat(fresh.err).as("no second build").isEmpty();

    // Without Maven on the PATH: a stale jar still runs, with a warning; a missing one cannot.
    Map<String, String> noMaven =
        Map.of(
            "PATH", pathWithout("mvn").toString(),
            "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Files.setLastModifiedTime(copiedJar, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    Result warned = run(elsewhere, noMaven, launcher, "--version");
    assertThat(warned.code).as(warned.toString()).isZero();
    assertThat(warned.err.lines())
        .singleElement()
        .asString()
        .contains("warning")
        .contains("mvn is not installed");

    Files.delete(copiedJar);
    Result missing = run(elsewhere, noMaven, launcher, "--version");
    assertThat(missing.code).as(missing.toString()).isEqualTo(1);
    assertThat(missing.err.lines())
        .singleElement()
        .asString()
        .startsWith("vmdk-delta: mvn (Apache Maven) is not installed");
  }

  // ---------------------------------------------------------------------------------------

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  /** Runs a command with the locale cleared, as in CI, plus {@code extraEnv}. */
  private Result run(Path cwd, Map<String, String> extraEnv, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(temp, "out", ".txt");
    Path err = Files.createTempFile(temp, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(
            k ->
                k.equals("LANG")
                    || k.equals("LANGUAGE")
                    || k.startsWith("LC_")
                    || k.equals("JAVA")
                    || k.equals("JAVA_OPTS")
                    || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("JDK_JAVA_OPTIONS"));
    env.putAll(extraEnv);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("timed out: " + Arrays.toString(command));
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Path createDisk(Path folder, String name) throws Exception {
    Optional<Path> qemuImg = onPath("qemu-img");
    require(
        qemuImg.isPresent(),
        "qemu-img not found: install qemu-utils (.ci/run does) to run the launcher tests on disks");
    Result r = run(folder, Map.of(), qemuImg.get().toString(), "create", "-f", "vmdk", name, "64M");
    assertThat(r.code).as(r.toString()).isZero();
    Path disk = folder.resolve(name);
    assertThat(disk).isRegularFile();
    return disk;
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static String pomVersion() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("<artifactId>vmdk-delta</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).as("the project version in pom.xml").isTrue();
    return m.group(1).trim();
  }

  private static List<String> nulSeparated(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\0");
    return List.of(text.substring(0, text.length() - 1).split("\0", -1));
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** A folder of links to every program on the PATH except {@code program}. */
  private Path pathWithout(String program) throws IOException {
    Path bin = Files.createDirectories(temp.resolve("path without " + program));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
        continue;
      }
      try (Stream<Path> s = Files.list(Path.of(dir))) {
        for (Path p : s.toList()) {
          Path link = bin.resolve(p.getFileName().toString());
          if (!p.getFileName().toString().equals(program)
              && Files.isExecutable(p)
              && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, p.toAbsolutePath());
          }
        }
      }
    }
    assertThat(bin.resolve(program)).doesNotExist();
    return bin;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
