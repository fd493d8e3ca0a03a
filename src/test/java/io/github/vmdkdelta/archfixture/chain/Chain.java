package io.github.vmdkdelta.archfixture.chain;

import io.github.vmdkdelta.archfixture.vmdk.Format;

/** Follows the rules. */
public class Chain {
  /** Down a layer, as allowed. */
  public Format format;
}
