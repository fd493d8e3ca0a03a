package io.github.vmdkdelta.vm;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A disk the {@code .vmx} names is not there. An I/O error (exit 6): the configuration is fine, the
 * file is missing, as for a missing {@code .vmdk} given on the command line.
 */
public final class MissingDiskException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  MissingDiskException(Path vmx, String device, Path disk) {
    super(
        vmx.toString(),
        null,
        device + ".fileName: the disk it names does not exist (" + disk + ")");
  }
}
