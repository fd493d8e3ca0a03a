package io.github.vmdkdelta.cli;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** A terminal for tests: interactive or not, with the lines a person would type, then EOF. */
final class FakeTerminal implements Terminal {
  private final boolean interactive;
  private final Deque<String> typed;
  int reads;

  private FakeTerminal(boolean interactive, String... typed) {
    this.interactive = interactive;
    this.typed = new ArrayDeque<>(Arrays.asList(typed));
  }

  /** A person at a terminal who will type these lines, then end the input. */
  static FakeTerminal typing(String... lines) {
    return new FakeTerminal(true, lines);
  }

  /** No terminal: a script, a pipe, CI. */
  static FakeTerminal none() {
    return new FakeTerminal(false);
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public String readLine() {
    if (!interactive) {
      throw new AssertionError("read from a terminal that is not interactive");
    }
    reads++;
    return typed.poll();
  }
}
