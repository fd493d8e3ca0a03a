package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;

/**
 * The images are valid one by one, but do not form a sound chain: a missing parent, a CID or
 * capacity mismatch, a cycle, an unsafe parent hint.
 */
public class BrokenChainException extends VmdkException {
  private static final long serialVersionUID = 1L;

  public BrokenChainException(Path file, String what, String problem) {
    super(file, what, problem);
  }
}
