package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The names the operations give files, in one place. */
final class DiskNames {
  private static final String NEW = ".vmdk-delta-new";
  private static final String OLD = ".vmdk-delta-old";
  private static final String REPLACED = ".vmdk-delta-replaced";
  private static final String UNDO = ".vmdk-delta-undo";
  private static final List<String> SUFFIXES = List.of(NEW, OLD, REPLACED, UNDO);

  private DiskNames() {}

  /** {@code sd0.vmdk} with 0 ancestors becomes {@code sd0-000000.vmdk}: the seed's scheme. */
  static Path frozenName(Path disk, int ancestors) {
    String name = disk.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    // Padded by hand: String.format sets up a Formatter, on make's path at every start.
    String number = Integer.toString(ancestors);
    return disk.resolveSibling(
        stem + "-" + "0".repeat(Math.max(0, 6 - number.length())) + number + ext);
  }

  /** Where {@code make} writes the new delta before it takes the disk's name. */
  static Path newDeltaName(Path disk) {
    return hidden(disk, NEW);
  }

  /** Where {@code delete} puts the delta aside until the parent has its name back. */
  static Path discardedDeltaName(Path disk) {
    return hidden(disk, OLD);
  }

  /** Where a replaced descriptor file waits for its removal after the commit point. */
  static Path replacedDescriptorName(Path descriptor) {
    return hidden(descriptor, REPLACED);
  }

  /** The stem of a disk's file name: {@code sd0} for {@code sd0.vmdk}. */
  static String stemOf(Path disk) {
    String name = disk.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Where {@code commit} keeps the bytes of the parent it overwrites, until it is done. */
  static Path undoLogName(Path disk) {
    return hidden(disk, UNDO);
  }

  /**
   * True when {@code candidate} is a hidden name vmdk-delta gives a file called {@code name}:
   * {@code .NAME.vmdk-delta-*}, or the shortened form {@link #hidden} uses for long names.
   */
  static boolean isHiddenNameOf(String candidate, String name) {
    if (candidate.startsWith("." + name + ".vmdk-delta-")) {
      return true;
    }
    for (String suffix : SUFFIXES) {
      if (candidate.equals(hiddenName(name, suffix))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code .NAME<suffix>}, or, when that would be longer than a file name may be, {@code
   * .PREFIX~DIGEST<suffix>}: a prefix of the name cut so that the hidden name is no longer than the
   * name itself, and 8 hex digits of the SHA-256 of the whole name, so that two long names sharing
   * a prefix still get different hidden names. Journals record the names they use, so recovery
   * never has to work them out again.
   */
  private static Path hidden(Path file, String suffix) {
    return file.resolveSibling(hiddenName(file.getFileName().toString(), suffix));
  }

  private static String hiddenName(String name, String suffix) {
    String full = "." + name + suffix;
    if (FileNameLength.of(full) <= FileNameLength.MAX) {
      return full;
    }
    String tag = "~" + digest(name);
    int room = FileNameLength.of(name) - FileNameLength.of("." + tag + suffix);
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      String next = prefix + new String(Character.toChars(cp));
      if (FileNameLength.of(next) > room) {
        break;
      }
      prefix.setLength(0);
      prefix.append(next);
      i += Character.charCount(cp);
    }
    return "." + prefix + tag + suffix;
  }

  private static String digest(String name) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /**
   * Refuses a disk name that a parent hint cannot carry to the right file for every reader: the
   * snapshot's hint is {@code make}'s frozen name, so whatever the name holds, the hint holds.
   *
   * @throws UnsupportedImageException naming the character and why
   */
  static void requireNameUsableInHint(Path disk) throws UnsupportedImageException {
    String name = disk.getFileName().toString();
    String problem = null;
    if (name.indexOf('\\') >= 0) {
      problem =
          "contains '\\', which VMware on Windows and vmdk-delta read as a folder separator in a"
              + " parent hint";
    } else if (name.indexOf(':') >= 0) {
      problem =
          "contains ':', which Windows reads as a drive letter and qemu as a protocol prefix in a"
              + " parent hint";
    } else if (name.indexOf('"') >= 0) {
      problem = "contains '\"', which ends a quoted value in a descriptor";
    } else {
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          problem =
              String.format(
                  "contains a control character (U+%04X), which a descriptor line cannot hold",
                  (int) c);
          break;
        }
      }
    }
    if (problem != null) {
      throw new UnsupportedImageException(
          disk,
          "file name",
          problem
              + "; the snapshot's parent hint would not lead back to it: rename the disk first");
    }
  }

  /**
   * Refuses a name {@code make} needs (the frozen disk, its extent files) that is longer than a
   * file name may be, before anything is changed.
   */
  static void requireNotTooLong(Path name, Path disk) throws UnsupportedImageException {
    int length = FileNameLength.of(name.getFileName().toString());
    if (length > FileNameLength.MAX) {
      throw new UnsupportedImageException(
          disk,
          "file name",
          "too long for the snapshot's names ("
              + name.getFileName()
              + " would be "
              + length
              + " "
              + FileNameLength.unit()
              + ", at most "
              + FileNameLength.MAX
              + "); rename the disk to a shorter name first");
    }
  }

  /** Whether {@code name} is one of the hidden names above, which only vmdk-delta makes. */
  static boolean isTemporary(Path name) {
    String n = name.getFileName().toString();
    return n.startsWith(".") && SUFFIXES.stream().anyMatch(n::endsWith);
  }

  /** Refuses when a name the operation needs is taken. */
  static void requireFree(Path name, String why) throws DiskInUseException {
    if (Files.exists(name, LinkOption.NOFOLLOW_LINKS)) {
      throw new DiskInUseException(name, "name", "already exists, " + why);
    }
  }

  /** The folder a disk is in, never null. */
  static Path folderOf(Path disk) {
    Path parent = disk.toAbsolutePath().getParent();
    return parent;
  }
}
