package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.vmdk.VmdkException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns any failure into the one line printed after {@code vmdk-delta: }. */
final class ErrorMessages {
  private ErrorMessages() {}

  static String of(Throwable e) {
    String text;
    if (e instanceof VmdkException) {
      text = e.getMessage();
    } else if (e instanceof NoSuchFileException f) {
      text = f.getFile() + ": no such file";
    } else if (e instanceof AccessDeniedException f) {
      text = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "permission denied");
    } else if (e instanceof FileAlreadyExistsException f) {
      text = f.getFile() + ": already exists";
    } else if (e instanceof FileSystemException f && f.getFile() != null) {
      text = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "I/O error");
    } else if (e instanceof java.io.IOException) {
      text = "I/O error: " + e.getMessage();
    } else {
      text = "internal error, please report it (run again with --verbose for details): " + e;
    }
    return text.replace('\n', ' ').replace('\r', ' ');
  }
}
