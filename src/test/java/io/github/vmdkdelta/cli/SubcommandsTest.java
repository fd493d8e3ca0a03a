package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Only the command that runs is built; help, completion and the menu still see every command. */
class SubcommandsTest {
  private static CommandLine rootFor(String... args) {
    return Subcommands.forRun(args);
  }

  @Test
  void aRunBuildsOnlyTheCommandItNames() {
    assertThat(rootFor("--dry-run", "make", "sd0.vmdk").getSubcommands()).containsOnlyKeys("make");
    assertThat(rootFor("check", "--json", "x.vmdk").getSubcommands()).containsOnlyKeys("check");
    assertThat(rootFor("--version").getSubcommands()).isEmpty();
  }

  @Test
  void helpErrorsCompletionAndTheMenuGetEveryCommand() {
    for (String[] args :
        new String[][] {
          {}, {"--help"}, {"bogus"}, {"completion", "bash"}, {"integrate", "windows"}, {"--", "x"}
        }) {
      assertThat(rootFor(args).getSubcommands().keySet())
          .as(String.join(" ", args))
          .containsExactlyElementsOf(Subcommands.names());
    }
  }

  @Test
  void everyNameIsTheCommandsOwn() {
    CommandLine all = rootFor();
    all.getSubcommands()
        .forEach((name, sub) -> assertThat(sub.getCommandSpec().name()).isEqualTo(name));
    assertThat(Cli.run("--help").out()).contains(Subcommands.names());
  }

  @Test
  void everyCommandInheritsTheHelpOptionsAndTheExitCodeFooter() {
    for (String name : Subcommands.names()) {
      Cli r = Cli.run(name, "--help");
      assertThat(r.code()).as(name).isZero();
      assertThat(r.out()).as(name).contains("-h, --help", "Exit codes:", "7  disk in use");
    }
  }
}
