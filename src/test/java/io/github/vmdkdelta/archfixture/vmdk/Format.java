package io.github.vmdkdelta.archfixture.vmdk;

import io.github.vmdkdelta.archfixture.ops.Verb;

/** The format layer reaching up into the operations: a layer violation and a cycle. */
public class Format {
  /** Up a layer. */
  public Verb verb;
}
