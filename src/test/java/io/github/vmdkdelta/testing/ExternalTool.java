package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an independent tool (qemu-img, qemu-io, vmdkinfo) found on the PATH. When the tool is
 * missing the test is skipped with a visible message, except in CI ({@code CI=true}), where a
 * missing tool is a failure.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** Skips (or, in CI, fails) the calling test unless {@code name} is on the PATH. */
  public static void require(String name) {
    if (find(name) != null) {
      return;
    }
    String message =
        name + " not found on PATH: install qemu-utils / libvmdk-utils to run this interop test";
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true and " + message);
    }
    Assumptions.abort(message);
  }

  private static Path find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      for (String suffix : new String[] {"", ".exe"}) {
        Path p = Path.of(dir, name + suffix);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** Runs a command in {@code dir}, requires exit 0, and returns its output. */
  public static String run(Path dir, String... command) throws IOException, InterruptedException {
    require(command[0]);
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code of %s, output:%n%s", cmd, text).isZero();
    return text;
  }
}
