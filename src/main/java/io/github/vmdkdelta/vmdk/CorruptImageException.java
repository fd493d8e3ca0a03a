package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;

/** The file is not a valid VMDK image: a field is out of range, a structure lies outside it. */
public class CorruptImageException extends VmdkException {
  private static final long serialVersionUID = 1L;

  public CorruptImageException(Path file, String what, String problem) {
    super(file, what, problem);
  }
}
