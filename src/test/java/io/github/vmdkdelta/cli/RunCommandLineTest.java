package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line a run builds in code parses as the annotated tree does: the same options (names,
 * arity, type, inherited or not) and the same parameter, for every subcommand on a file; anything
 * it cannot take goes to the annotated tree.
 */
class RunCommandLineTest {
  private static final CommandLine TREE = new CommandLine(new CommandTree());

  @Test
  void everyFileCommandHasTheOptionsAndParameterOfItsAnnotations() {
    int files = 0;
    for (Map.Entry<String, CommandLine> e : TREE.getSubcommands().entrySet()) {
      CommandSpec annotated = e.getValue().getCommandSpec();
      if (!(annotated.userObject() instanceof FileCommand)) {
        assertThat(RunCommandLine.forRun(e.getKey(), "x")).as(e.getKey()).isEmpty();
        continue;
      }
      files++;
      Optional<CommandLine> run = RunCommandLine.forRun(e.getKey(), "x.vmdk");
      assertThat(run).as(e.getKey()).isPresent();
      CommandSpec built = run.get().getSubcommands().get(e.getKey()).getCommandSpec();
      assertThat(options(built)).as(e.getKey()).isEqualTo(options(annotated));
      assertThat(parameters(built)).as(e.getKey()).isEqualTo(parameters(annotated));
    }
    assertThat(files).isEqualTo(7);
  }

  @Test
  void theRootHasTheOptionsOfTheAnnotatedRoot() {
    CommandLine run = RunCommandLine.forRun("--version").orElseThrow();
    assertThat(options(run.getCommandSpec())).isEqualTo(options(TREE.getCommandSpec()));
  }

  @Test
  void helpErrorsAndOtherCommandsGoToTheAnnotatedTree() {
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"make", "--help"},
            new String[] {"make", "-V"},
            new String[] {"make"},
            new String[] {"make", "a", "b"},
            new String[] {"make", "--bogus", "a"},
            new String[] {"--dry-run"},
            new String[] {"bogus", "a"},
            new String[] {"integrate", "windows"},
            new String[] {"completion"})) {
      assertThat(RunCommandLine.forRun(args)).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void aRunBindsWhatTheAnnotationsWould() {
    CommandLine cl =
        RunCommandLine.forRun("--force", "commit", "--dry-run", "-q", "d.vmdk").orElseThrow();
    RootCommand root = cl.getCommand();
    CommitCommand commit = cl.getSubcommands().get("commit").getCommand();
    assertThat(root.given).containsExactlyInAnyOrder(GlobalOption.FORCE, GlobalOption.DRY_RUN);
    assertThat(commit.root).isSameAs(root);
    assertThat(commit.quiet).isTrue();
    assertThat(commit.disk).hasToString("d.vmdk");
    assertThat(commit.spec.name()).isEqualTo("commit");
  }

  /** Each option by its names: arity, type, whether inherited, whether a help option. */
  private static Map<String, String> options(CommandSpec spec) {
    Map<String, String> options = new TreeMap<>();
    for (OptionSpec o : spec.options()) {
      options.put(
          String.join(",", o.names()),
          describe(o) + " inherited=" + o.inherited() + " help=" + o.usageHelp() + o.versionHelp());
    }
    return options;
  }

  private static List<String> parameters(CommandSpec spec) {
    return spec.positionalParameters().stream()
        .map(p -> p.paramLabel() + " " + p.index() + " " + describe(p) + " " + p.required())
        .toList();
  }

  private static String describe(ArgSpec a) {
    return a.arity() + " " + a.type().getName() + " " + a.scopeType();
  }
}
