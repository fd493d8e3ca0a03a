package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;

/** The file is a valid VMDK image, of a kind this tool does not handle (yet). */
public class UnsupportedImageException extends VmdkException {
  private static final long serialVersionUID = 1L;

  public UnsupportedImageException(Path file, String what, String problem) {
    super(file, what, problem);
  }
}
