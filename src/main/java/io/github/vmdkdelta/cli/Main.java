package io.github.vmdkdelta.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Optional;
import picocli.CommandLine;

/** Entry point of the {@code vmdk-delta} command. */
public final class Main {
  private Main() {}

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    main(Environment.system(), args);
  }

  /**
   * Runs the command in {@code environment} on this process's standard streams, then exits with its
   * code: the whole process, for {@link #main(String[])} and for test processes that run with hooks
   * of their own (from test code, never from the jar).
   */
  static void main(Environment environment, String[] args) {
    Charset console = stdoutCharset();
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, console), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, console), true);
    InterruptNotice.install(err);
    int code = run(environment, out, err, args);
    InterruptNotice.over();
    System.exit(code);
  }

  private static Charset stdoutCharset() {
    String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
    try {
      return name != null ? Charset.forName(name) : Charset.defaultCharset();
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  private static String usageMessage(CommandLine.ParameterException ex) {
    if (ex.getCause() instanceof PathArgument.UnrepresentableName name) {
      return name.getMessage();
    }
    if (ex.getCause() instanceof java.nio.file.InvalidPathException) {
      return "cannot use this file name: Java reads names in this system's charset ("
          + System.getProperty("sun.jnu.encoding")
          + "), which cannot hold some of its characters; use a UTF-8 locale (for example"
          + " LC_ALL=C.UTF-8) or run through bin/vmdk-delta, which sets one";
    }
    return ex.getMessage().replace('\n', ' ') + " (try 'vmdk-delta --help')";
  }

  /**
   * Runs the command with the given streams and returns the exit code; never exits the JVM.
   *
   * @param out normal output
   * @param err error messages, one line each
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(Terminal.system(), out, err, args);
  }

  /**
   * Runs the command as {@link #run(PrintWriter, PrintWriter, String...)} does, asking questions
   * and waiting for Enter (--confirm, --pause) on the given terminal.
   */
  public static int run(Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
    Environment withTerminal =
        new Environment() {
          @Override
          Terminal terminal() {
            return terminal;
          }
        };
    return run(withTerminal, out, err, args);
  }

  /** Runs the command in {@code environment}; never exits the JVM. */
  static int run(Environment environment, PrintWriter out, PrintWriter err, String... args) {
    Optional<DirectRun> direct = DirectRun.parse(args);
    if (direct.isPresent()) {
      return direct.get().run(environment, out, err, args);
    }
    Terminal terminal = environment.terminal();
    CommandLine cl = Subcommands.forRun(args);
    RootCommand root = cl.getCommand();
    root.environment = environment;
    cl.registerConverter(java.nio.file.Path.class, new PathArgument());
    cl.setOut(out);
    cl.setErr(err);
    Handlers handlers = new Handlers(root, terminal, err);
    cl.setParameterExceptionHandler(handlers);
    cl.setExecutionExceptionHandler(handlers);
    cl.setExecutionStrategy(handlers);
    int code = cl.execute(args);
    root.interaction().pauseIfAsked(code, args, terminal, err);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * How a bad command line and a failure are reported, and how a command runs (asking first when
   * --confirm says so). A class, not lambdas: their bootstrap costs start-up time.
   */
  static final class Handlers
      implements CommandLine.IParameterExceptionHandler,
          CommandLine.IExecutionExceptionHandler,
          CommandLine.IExecutionStrategy {
    private final RootCommand root;
    private final Terminal terminal;
    private final PrintWriter err;

    Handlers(RootCommand root, Terminal terminal, PrintWriter err) {
      this.root = root;
      this.terminal = terminal;
      this.err = err;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      err.println("vmdk-delta: " + usageMessage(ex));
      err.flush();
      return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      err.println("vmdk-delta: " + ErrorMessages.of(ex));
      if (root.has(GlobalOption.VERBOSE)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCode.of(ex);
    }

    @Override
    public int execute(CommandLine.ParseResult parsed) {
      return root.interaction()
          .confirmThenRun(parsed, terminal, err, root.has(GlobalOption.DRY_RUN));
    }
  }
}
