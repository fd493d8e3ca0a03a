package io.github.vmdkdelta.cli;

import picocli.CommandLine.Command;

/**
 * The root command with every subcommand: for help, completion, the Explorer menu and the man page
 * (the build runs picocli's generator on this class). A run of one command builds only that one
 * (see {@link Subcommands}).
 */
@Command(
    subcommands = {
      MakeCommand.class,
      DeleteCommand.class,
      RevertCommand.class,
      CommitCommand.class,
      RecoverCommand.class,
      InfoCommand.class,
      CheckCommand.class,
      IntegrateCommand.class,
      CompletionCommand.class
    })
final class CommandTree extends RootCommand {}
