package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A run without picocli knows the options and the parameter of the annotations, reads a command
 * line as picocli does, and leaves to picocli every command line it does not take.
 */
class DirectRunTest {
  private static final CommandLine TREE = new CommandLine(new CommandTree());

  @Test
  void everyFileCommandHasTheFlagsAndParameterOfItsAnnotations() {
    int files = 0;
    for (Map.Entry<String, CommandLine> e : TREE.getSubcommands().entrySet()) {
      CommandSpec annotated = e.getValue().getCommandSpec();
      FileCommand command = DirectRun.command(e.getKey());
      if (!(annotated.userObject() instanceof FileCommand)) {
        assertThat(command).as(e.getKey()).isNull();
        continue;
      }
      files++;
      assertThat(command).as(e.getKey()).isNotNull();
      List<String> own = new ArrayList<>();
      for (OptionSpec o : annotated.options()) {
        if (o.inherited()) {
          continue;
        }
        if (o.arity().max() > 0) {
          // An option with a value (--disk FILE): a run that gives it is picocli's.
          assertThat(DirectRun.parse(e.getKey(), o.longestName(), "a.vmdk", "b.vmx"))
              .as(o.longestName())
              .isEmpty();
          continue;
        }
        own.add(String.join(",", o.names()));
      }
      List<String> direct = Arrays.stream(command.flags()).map(n -> String.join(",", n)).toList();
      assertThat(direct).as(e.getKey()).containsExactlyInAnyOrderElementsOf(own);
      for (String[] names : command.flags()) {
        assertThat(names[names.length - 1]).isEqualTo(annotated.findOption(names[0]).longestName());
      }
      assertThat(annotated.positionalParameters())
          .singleElement()
          .satisfies(p -> assertThat(p.paramLabel()).isEqualTo(command.fileLabel()));
    }
    assertThat(files).isEqualTo(7);
  }

  @Test
  void theGlobalOptionsAreTheRootsFlags() {
    Set<String> root = new TreeSet<>();
    for (OptionSpec o : TREE.getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        assertThat(o.arity().max()).as(o.longestName()).isZero();
        root.addAll(List.of(o.names()));
      }
    }
    Set<String> direct = new TreeSet<>();
    for (GlobalOption g : GlobalOption.values()) {
      direct.add(g.name);
    }
    assertThat(direct).isEqualTo(root);
  }

  @Test
  void itReadsACommandLineAsPicocliDoes() {
    for (String[] args :
        List.of(
            new String[] {"make", "d.vmdk"},
            new String[] {"--dry-run", "--force", "make", "d.vmdk", "--verbose"},
            new String[] {"commit", "-q", "d.vmdk"},
            new String[] {"commit", "d.vmdk", "--quiet", "--pause"},
            new String[] {"--allow-parent-outside-folder", "info", "--json", "d.vmdk"},
            new String[] {"check", "d.vmdk", "--json", "--pause-on-error", "--yes"},
            new String[] {"recover", "dir"},
            new String[] {"delete", "make"})) {
      DirectRun direct = DirectRun.parse(args).orElseThrow();
      CommandLine picocli = Subcommands.forRun(args);
      CommandLine.ParseResult parsed = picocli.parseArgs(args);
      RootCommand root = picocli.getCommand();
      CommandLine.ParseResult sub = parsed.subcommand();
      Set<String> flags = new TreeSet<>();
      for (OptionSpec o : sub.matchedOptions()) {
        if (!o.inherited()) {
          flags.add(o.longestName());
        }
      }
      assertThat(List.of(direct.root.given, direct.name, direct.file, new TreeSet<>(direct.flags)))
          .as(String.join(" ", args))
          .isEqualTo(
              List.of(
                  root.given,
                  sub.commandSpec().name(),
                  sub.matchedPositionalValue(0, null),
                  flags));
    }
  }

  @Test
  void everythingElseGoesToPicocli() {
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"make", "--help"},
            new String[] {"make", "-h"},
            new String[] {"make", "-V"},
            new String[] {"--version", "--pause"},
            new String[] {"make"},
            new String[] {"make", "a", "b"},
            new String[] {"make", "--bogus", "a"},
            new String[] {"make", "-", "a"},
            new String[] {"make", "--", "a"},
            new String[] {"make", "@args"},
            new String[] {"make", "Office PC.vmx"},
            new String[] {"--dry-run", "commit", "vm.VMX"},
            new String[] {"make", "--force", "a", "--force"},
            new String[] {"make", "--force=true", "a"},
            new String[] {"-q", "commit", "a"},
            new String[] {"commit", "-qV", "a"},
            new String[] {"--confirm", "--yes", "make", "a"},
            new String[] {"--dry-run"},
            new String[] {"bogus", "a"},
            new String[] {"integrate", "windows"},
            new String[] {"completion"})) {
      assertThat(DirectRun.parse(args)).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void versionAloneIsPrintedAsPicocliPrintsIt() {
    Cli direct = Cli.run("--version");
    Cli picocli = Cli.run("--version", "--verbose"); // not alone: picocli prints it
    assertThat(direct.code()).isZero();
    assertThat(direct.out()).startsWith("vmdk-delta ").isEqualTo(picocli.out());
    assertThat(Cli.run("-V").out()).isEqualTo(direct.out());
  }
}
