package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.RollbackFailedException;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;

/** The exit codes of vmdk-delta (design notes, section 3), and which failure gives which. */
final class ExitCode {
  static final int OK = 0;
  static final int INTERNAL_ERROR = 1;
  static final int USAGE = 2;
  static final int CORRUPT = 3;
  static final int UNSUPPORTED = 4;
  static final int BROKEN_CHAIN = 5;
  static final int IO_ERROR = 6;
  static final int IN_USE = 7;

  /** The table as printed in {@code --help}. */
  static final String HELP_TABLE =
      """
      Exit codes:
        0  success
        1  internal error (a bug: please report it, with --verbose output)
        2  bad command line
        3  corrupt image
        4  unsupported image (valid VMDK this tool does not handle)
        5  broken chain (missing parent, CID or capacity mismatch, cycle, unsafe hint)
        6  I/O error (missing file, permission, disk full)
        7  disk in use (VMware lock present) or a name the operation needs already exists""";

  private ExitCode() {}

  static int of(Throwable e) {
    if (e instanceof CorruptImageException) {
      return CORRUPT;
    }
    if (e instanceof UnsupportedImageException) {
      return UNSUPPORTED;
    }
    if (e instanceof BrokenChainException) {
      return BROKEN_CHAIN;
    }
    if (e instanceof DiskInUseException || e instanceof FileAlreadyExistsException) {
      return IN_USE;
    }
    if (e instanceof RollbackFailedException || e instanceof IOException) {
      return IO_ERROR;
    }
    return INTERNAL_ERROR;
  }
}
