package io.github.vmdkdelta.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta completion bash}: the shell completion script, made from the commands. */
@Command(
    name = "completion",
    description = {
      "Print the completion script for bash or zsh.",
      "The script is generated from vmdk-delta's own commands and options. To use it in the"
          + " current shell: source <(vmdk-delta completion bash).",
      "To keep it: vmdk-delta completion bash > ~/.local/share/bash-completion/completions/vmdk-delta"
          + " (bash), or source it from ~/.zshrc (zsh: it loads bashcompinit itself)."
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SHELL",
      arity = "0..1",
      defaultValue = "bash",
      description = "bash (default) or zsh: the same script serves both.")
  Shell shell;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("vmdk-delta", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
