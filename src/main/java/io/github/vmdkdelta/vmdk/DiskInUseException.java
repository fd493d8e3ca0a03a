package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;

/**
 * The operation cannot go ahead without risk to a disk that something else uses: a VMware lock is
 * present, the disk was not closed cleanly, or a name the operation needs is already taken.
 */
public class DiskInUseException extends VmdkException {
  private static final long serialVersionUID = 1L;

  public DiskInUseException(Path file, String what, String problem) {
    super(file, what, problem);
  }
}
