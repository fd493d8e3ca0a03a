package io.github.vmdkdelta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The root's options, all flags that every subcommand inherits, defined once in code: the annotated
 * tree gets them from {@link Transformer}, bound to {@link RootCommand#given} (so help, the man
 * page and completion show them), and {@link DirectRun} reads them by {@link #named}. For
 * double-click use ({@code --pause-on-error}, {@code --pause}, {@code --confirm}, {@code --yes})
 * see {@link Interaction}.
 */
enum GlobalOption {
  VERBOSE("--verbose", "Print stack traces of errors."),
  DRY_RUN("--dry-run", "Print the planned file steps and change nothing."),
  FORCE(
      "--force",
      "Go ahead despite a VMware lock (.lck), after saying who holds it. Only for a stale lock"
          + " left by a crash: never while the VM runs."),
  ALLOW_PARENT_OUTSIDE_FOLDER(
      "--allow-parent-outside-folder",
      "Follow parent hints that are absolute or leave the disk's folder (read only: such a"
          + " parent is never renamed)."),
  PAUSE_ON_ERROR(
      "--pause-on-error",
      "After an error, explain it and wait for Enter (for windows opened by a double-click)."
          + " Waits only when run from a terminal."),
  PAUSE("--pause", "Wait for Enter before exiting, whatever the outcome. Only in a terminal."),
  CONFIRM(
      "--confirm",
      "Ask before changing files, and go ahead only on y or yes. Without a terminal to ask"
          + " on, refuse (exit 2) unless --yes is given too."),
  YES("--yes", "Answer yes to every question (--confirm).");

  final String name;
  private final String description;

  GlobalOption(String name, String description) {
    this.name = name;
    this.description = description;
  }

  /** The option named {@code name}, or null. */
  static GlobalOption named(String name) {
    for (GlobalOption option : values()) {
      if (option.name.equals(name)) {
        return option;
      }
    }
    return null;
  }

  /**
   * Adds every global option to {@code spec}, the root of {@code root}'s command line, then the
   * help options as picocli's standard ones ({@code mixinStandardHelpOptions}) read, all inherited.
   */
  static void addTo(CommandSpec spec, RootCommand root) {
    for (GlobalOption option : values()) {
      Binding binding = new Binding(root, option);
      spec.addOption(
          OptionSpec.builder(option.name)
              .description(option.description)
              .scopeType(ScopeType.INHERIT)
              .arity("0")
              .type(boolean.class)
              .initialValue(false)
              .getter(binding)
              .setter(binding)
              .build());
    }
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .scopeType(ScopeType.INHERIT)
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .scopeType(ScopeType.INHERIT)
            .build());
  }

  /** The flag's value in {@link RootCommand#given}. */
  private record Binding(RootCommand root, GlobalOption option)
      implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
      return (T) Boolean.valueOf(root.given.contains(option));
    }

    @Override
    public <T> T set(T value) {
      T old = get();
      if (Boolean.TRUE.equals(value)) {
        root.given.add(option);
      } else {
        root.given.remove(option);
      }
      return old;
    }
  }

  /** Gives the annotated root command ({@code @Command(modelTransformer = ...)}) its options. */
  static final class Transformer implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      // The root's attributes are inherited, this one too: only the root itself gets the options,
      // the subcommands inherit them from it.
      if (spec.userObject() instanceof RootCommand root) {
        addTo(spec, root);
      }
      return spec;
    }
  }
}
