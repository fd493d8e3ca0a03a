package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class ExternalToolsTest {
  private static final String MISSING = "vmdk-delta-no-such-tool-x7";

  @Test
  void capturesExitCodeAndOutputInTheFolder(@TempDir Path dir) throws IOException {
    assumeTrue(ExternalTools.locate("sh").isPresent(), "needs a POSIX sh");
    Files.writeString(dir.resolve("marker.txt"), "here");
    ExternalTools.Result r =
        ExternalTools.run(dir, "sh", "-c", "cat marker.txt; echo ' out'; echo err >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.output()).contains("here out").contains("err");
    assertThat(r.expectExitCode(3)).isSameAs(r);
    assertThatThrownBy(r::expectSuccess)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exit code 3")
        .hasMessageContaining("here out");
  }

  @Test
  void killsACommandThatOutlivesItsTimeout(@TempDir Path dir) {
    assumeTrue(ExternalTools.locate("sleep").isPresent(), "needs sleep");
    long start = System.nanoTime();
    assertThatThrownBy(() -> ExternalTools.run(dir, Duration.ofMillis(300), "sleep", "30"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still running");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void missingToolSkipsOutsideCiAndFailsInCi() {
    assertThat(ExternalTools.locate(MISSING)).isEmpty();
    if ("true".equals(System.getenv("CI"))) {
      assertThatThrownBy(() -> ExternalTools.require(MISSING))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("CI=true")
          .hasMessageContaining(MISSING);
    } else {
      assertThatThrownBy(() -> ExternalTools.require(MISSING))
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining(MISSING + " not found on PATH");
    }
  }

  @Test
  void findsAToolOnPath() {
    assumeTrue(System.getenv("PATH") != null);
    String tool = ExternalTools.locate("sh").isPresent() ? "sh" : "cmd";
    assertThat(ExternalTools.locate(tool)).hasValueSatisfying(p -> assertThat(p).isAbsolute());
    assertThat(ExternalTools.require(tool)).isEqualTo(ExternalTools.locate(tool).orElseThrow());
  }
}
