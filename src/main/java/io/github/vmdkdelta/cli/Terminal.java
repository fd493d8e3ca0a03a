package io.github.vmdkdelta.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Where vmdk-delta asks its questions and waits for Enter: a person at a terminal, or nobody. Only
 * an interactive terminal is ever read from, so a script or a pipe never makes vmdk-delta wait.
 * Tests pass a fake one to {@link Main#run(Terminal, java.io.PrintWriter, java.io.PrintWriter,
 * String...)}.
 */
public interface Terminal {
  /** Whether a person can answer: standard input and output are a terminal. */
  boolean interactive();

  /**
   * One line typed by the person, without its line break; {@code null} at the end of input (Ctrl+D,
   * Ctrl+Z, a closed window). Called only when {@link #interactive()}.
   */
  String readLine();

  /** The terminal of this process ({@link System#console()}), if any. */
  static Terminal system() {
    return SystemTerminal.INSTANCE;
  }

  /** A terminal no one sits at: never interactive, reads nothing. */
  static Terminal none() {
    return SystemTerminal.NONE;
  }
}

/** {@link Terminal} on {@link System#console()}. */
final class SystemTerminal implements Terminal {
  static final Terminal INSTANCE = new SystemTerminal(true);
  static final Terminal NONE = new SystemTerminal(false);

  private final boolean useConsole;

  private SystemTerminal(boolean useConsole) {
    this.useConsole = useConsole;
  }

  @Override
  public boolean interactive() {
    if (!useConsole) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // Up to Java 21 a console exists only when stdin and stdout are a terminal. From Java 22 on
    // there may be one for redirected streams too, and Console.isTerminal() tells the difference.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String readLine() {
    Console console = System.console();
    return console == null ? null : console.readLine();
  }
}
