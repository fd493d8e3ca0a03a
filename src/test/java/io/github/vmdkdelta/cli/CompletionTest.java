package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@code vmdk-delta completion bash}: generated from the model, valid bash, and it completes. */
@DisabledOnOs(OS.WINDOWS)
class CompletionTest {
  @TempDir Path dir;

  @Test
  void theScriptIsValidBashAndCompletesEveryCommand() throws Exception {
    Cli r = Cli.run("completion", "bash");
    assertThat(r.code()).as(r.err()).isZero();
    Path script = dir.resolve("vmdk-delta.bash");
    Files.writeString(script, r.out(), StandardCharsets.UTF_8);

    assertThat(bash("-n", script.toString())).isEmpty();

    String commands = complete(script, "vmdk-delta", "");
    assertThat(commands.split(" "))
        .contains("make", "delete", "revert", "recover", "integrate", "completion");
    assertThat(complete(script, "vmdk-delta", "integrate", "windows", "--"))
        .contains("--print", "--remove", "--output", "--launcher");
    assertThat(complete(script, "vmdk-delta", "make", "--p"))
        .as("global options are completed after a subcommand too")
        .contains("--pause-on-error");
  }

  @Test
  void zshGetsTheSameScript() {
    assertThat(Cli.run("completion", "zsh").out()).isEqualTo(Cli.run("completion").out());
  }

  @Test
  void otherShellsAreABadCommandLine() {
    Cli r = Cli.run("completion", "fish");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("fish");
  }

  /** What bash offers for the last word of {@code words}. */
  private static String complete(Path script, String... words) throws Exception {
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append(" '").append(w).append('\'');
    }
    String program =
        "source \"$1\" 2>/dev/null; COMP_WORDS=("
            + array
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
            + " _complete_vmdk-delta 2>/dev/null; echo \"${COMPREPLY[*]}\"";
    return bash("-c", program, "bash", script.toString()).strip();
  }

  private static String bash(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
