package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution that {@code mvn package} makes, unpacked as a user would, in a folder whose path
 * has spaces and Japanese, far from the repository: its bin/vmdk-delta runs lib/vmdk-delta.jar
 * without Maven, makes and deletes a snapshot of a qemu-made disk, makes its class data sharing
 * archive on first use, and the archive holds what the README promises.
 */
@DisabledOnOs(OS.WINDOWS)
class DistributionIT {
  private static final Path ROOT =
      Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
  private static final Path TARGET = ROOT.resolve("target");

  @TempDir static Path temp;
  private static Path home;
  private static String version;

  @BeforeAll
  static void unpack() throws Exception {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("<artifactId>vmdk-delta</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).isTrue();
    version = m.group(1).trim();
    Path tgz = TARGET.resolve("vmdk-delta-" + version + "-dist.tar.gz");
    assertThat(tgz).as("run through 'mvn verify', which packages first").isRegularFile();
    Path into = Files.createDirectories(temp.resolve("Program Files 日本語"));
    Result r = run(into, Map.of(), "tar", "xzf", tgz.toString());
    assertThat(r.code).as(r.toString()).isZero();
    home = into.resolve("vmdk-delta-" + version);
  }

  @Test
  void theArchivesHoldTheSameFiles() throws IOException {
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "bin/vmdk-delta",
                "bin/vmdk-delta.cmd",
                "lib/vmdk-delta.jar",
                "lib/vmdk-delta.classlist",
                "completion/vmdk-delta.bash",
                "man/man1/vmdk-delta.1",
                "man/man1/vmdk-delta-make.1",
                "man/man1/vmdk-delta-delete.1",
                "man/man1/vmdk-delta-integrate-windows.1",
                "man/man1/vmdk-delta-completion.1",
                "README.md",
                "LICENSE"));
    Set<String> inTar = new TreeSet<>();
    try (Stream<Path> s = Files.walk(home)) {
      s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("vmdk-delta.jsa"))
          .forEach(p -> inTar.add(home.relativize(p).toString()));
    }
    assertThat(inTar).containsAll(expected);
    assertThat(inTar).allMatch(p -> !p.startsWith("lib/") || p.startsWith("lib/vmdk-delta."));

    Set<String> inZip = new TreeSet<>();
    try (InputStream in =
            Files.newInputStream(TARGET.resolve("vmdk-delta-" + version + "-dist.zip"));
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (!e.isDirectory()) {
          assertThat(e.getName()).startsWith("vmdk-delta-" + version + "/");
          inZip.add(e.getName().substring(("vmdk-delta-" + version + "/").length()));
        }
      }
    }
    assertThat(inZip).isEqualTo(withoutArchive(inTar));

    assertThat(Files.getPosixFilePermissions(home.resolve("bin/vmdk-delta")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    byte[] cmd = Files.readAllBytes(home.resolve("bin/vmdk-delta.cmd"));
    assertThat(new String(cmd, StandardCharsets.US_ASCII)).contains("\r\n").doesNotContain("\r\r");
    assertThat(Files.readString(home.resolve("man/man1/vmdk-delta.1"), StandardCharsets.UTF_8))
        .contains(".TH \"VMDK\\-DELTA\" \"1\"")
        .contains("make")
        .contains(version.replace("-", "\\-"));
  }

  @Test
  void makesAndDeletesASnapshotWithoutMavenAndNamesItsOwnLauncherForTheMenu() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("VMs of O'Brien 日本語"));
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "create",
            "-f",
            "vmdk",
            "sd0 日本語.vmdk",
            "64M")
        .expectSuccess();
    Path disk = folder.resolve("sd0 日本語.vmdk");
    byte[] original = Files.readAllBytes(disk);
    String launcher = home.resolve("bin/vmdk-delta").toString();
    // A distribution never builds: nothing but the tool itself writes to stderr.
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "JAVA", javaProgram());

    Result version1 = run(temp, env, launcher, "--version");
    assertThat(version1.code).as(version1.toString()).isZero();
    assertThat(version1.out).startsWith("vmdk-delta " + version + "\n");
    assertThat(version1.err).isEmpty();

    Result made = run(temp, env, launcher, "make", disk.toString());
    assertThat(made.code).as(made.toString()).isZero();
    assertThat(made.err).isEmpty();
    assertThat(folder.resolve("sd0 日本語-000000.vmdk")).isRegularFile();

    Result deleted = run(folder, env, launcher, "delete", "--confirm", "--yes", "sd0 日本語.vmdk");
    assertThat(deleted.code).as(deleted.toString()).isZero();
    assertThat(deleted.out).contains("snapshot deleted");
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);

    Result menu = run(temp, env, launcher, "integrate", "windows", "--print");
    assertThat(menu.code).as(menu.toString()).isZero();
    assertThat(menu.out)
        .contains(
            WindowsMenu.quote(
                    "\""
                        + home.resolve("bin").resolve("vmdk-delta.cmd")
                        + "\" make --pause-on-error")
                .replaceAll("\"$", ""));
  }

  /**
   * In a folder whose path is plain ASCII without spaces: Java 17 shares the JDK's classes from
   * such an archive whatever the path, but our own classes only when the jar's path has no space
   * (docs/startup.md).
   */
  @Test
  void theLauncherMakesAndUsesItsClassDataSharingArchive() throws Exception {
    Path plain = Files.createDirectories(temp.resolve("plain"));
    Result unpacked =
        run(
            plain,
            Map.of(),
            "tar",
            "xzf",
            TARGET.resolve("vmdk-delta-" + version + "-dist.tar.gz").toString());
    assertThat(unpacked.code).as(unpacked.toString()).isZero();
    Path home = plain.resolve("vmdk-delta-" + version);
    Map<String, String> env = Map.of("JAVA", javaProgram());
    String launcher = home.resolve("bin/vmdk-delta").toString();
    Result first = run(temp, env, launcher, "--version");
    assertThat(first.code).as(first.toString()).isZero();
    assertThat(first.err).as("the archive is made silently").isEmpty();
    assertThat(home.resolve("lib/vmdk-delta.jsa")).isRegularFile();
    assertThat(home.resolve("lib/vmdk-delta.jsa.stamp")).isRegularFile();

    Map<String, String> logging =
        Map.of(
            "JAVA",
            javaProgram(),
            "JAVA_OPTS",
            "-Xlog:class+load=info:file=" + temp.resolve("classes.log"));
    Result second = run(temp, logging, launcher, "--version");
    assertThat(second.code).as(second.toString()).isZero();
    assertThat(Files.readString(temp.resolve("classes.log"), StandardCharsets.UTF_8))
        .as("our own classes come from the archive")
        .containsPattern("io\\.github\\.vmdkdelta\\.cli\\.Main source: shared objects file");

    Result off =
        run(temp, Map.of("JAVA", javaProgram(), "VMDK_DELTA_CDS", "0"), launcher, "--version");
    assertThat(off.code).as(off.toString()).isZero();
  }

  @Test
  void theCompletionScriptIsValidBash() throws Exception {
    Result r =
        run(temp, Map.of(), "bash", "-n", home.resolve("completion/vmdk-delta.bash").toString());
    assertThat(r.code).as(r.toString()).isZero();
  }

  // ---------------------------------------------------------------------------------------

  private static Set<String> withoutArchive(Set<String> files) {
    Set<String> s = new TreeSet<>(files);
    s.removeIf(f -> f.startsWith("lib/vmdk-delta.jsa"));
    return s;
  }

  private static String javaProgram() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  private static Result run(Path cwd, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(temp, "out", ".txt");
    Path err = Files.createTempFile(temp, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("VMDK_DELTA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
