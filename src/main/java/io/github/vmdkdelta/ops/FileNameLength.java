package io.github.vmdkdelta.ops;

import java.io.File;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The length of a file name as the file system counts it, for names the operations make up. */
final class FileNameLength {
  /**
   * Longest file name: NAME_MAX of Linux (ext4, XFS, btrfs: 255 bytes), macOS (APFS: 255 UTF-8
   * bytes) and Windows (NTFS, exFAT: 255 UTF-16 units).
   */
  static final int MAX = 255;

  private static final boolean WINDOWS = File.separatorChar == '\\';

  /** The charset Java gives file names to the system in (the locale's, on Linux). */
  private static final Charset NAMES = namesCharset();

  private FileNameLength() {}

  /** Bytes (UTF-16 units on Windows) of {@code name} in the file system. */
  static int of(String name) {
    return WINDOWS ? name.length() : name.getBytes(NAMES).length;
  }

  /** "bytes", or "characters" on Windows: the unit of {@link #of}. */
  static String unit() {
    return WINDOWS ? "characters" : "bytes";
  }

  private static Charset namesCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
