package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One extent line of a descriptor: {@code ACCESS SECTORS TYPE "FILE" [OFFSET]}.
 *
 * @param access RW, RDONLY or NOACCESS
 * @param sectors size of the extent in sectors
 * @param type SPARSE, FLAT, ZERO, VMFS, VMFSSPARSE, ...
 * @param rawFileName the file name as its bytes read ISO-8859-1 (see {@link Descriptor}); empty for
 *     ZERO extents
 * @param offset start sector inside a FLAT file, when given
 */
public record Extent(
    String access, long sectors, String type, String rawFileName, OptionalLong offset) {

  private static final Set<String> ACCESS = Set.of("RW", "RDONLY", "NOACCESS");

  static boolean looksLikeExtent(String line) {
    String s = line.strip();
    int space = s.indexOf(' ');
    return space > 0 && ACCESS.contains(s.substring(0, space).toUpperCase(Locale.ROOT));
  }

  static Extent parse(String line, Path file) throws VmdkException {
    String s = line.strip();
    String[] head = s.split("\\s+", 4);
    if (head.length < 3) {
      throw bad(file, s);
    }
    long sectors;
    try {
      sectors = Long.parseLong(head[1]);
    } catch (NumberFormatException e) {
      throw bad(file, s);
    }
    if (sectors < 0) {
      throw bad(file, s);
    }
    String type = head[2].toUpperCase(Locale.ROOT);
    String rest = head.length > 3 ? head[3].strip() : "";
    if (rest.isEmpty()) {
      if (!type.equals("ZERO")) {
        throw bad(file, s);
      }
      return new Extent(head[0], sectors, type, "", OptionalLong.empty());
    }
    if (!rest.startsWith("\"")) {
      throw bad(file, s);
    }
    int close = rest.indexOf('"', 1);
    if (close < 0) {
      throw bad(file, s);
    }
    String name = rest.substring(1, close);
    String tail = rest.substring(close + 1).strip();
    OptionalLong offset = OptionalLong.empty();
    if (!tail.isEmpty()) {
      try {
        offset = OptionalLong.of(Long.parseLong(tail.split("\\s+")[0]));
      } catch (NumberFormatException e) {
        throw bad(file, s);
      }
    }
    return new Extent(head[0], sectors, type, name, offset);
  }

  private static CorruptImageException bad(Path file, String line) {
    return new CorruptImageException(
        file,
        "descriptor",
        "malformed extent line (\"" + line + "\", expected ACCESS SECTORS TYPE \"FILE\" [OFFSET])");
  }

  static String replaceFileName(String line, String rawFileName) {
    int open = line.indexOf('"');
    int close = line.indexOf('"', open + 1);
    return line.substring(0, open + 1) + rawFileName + line.substring(close);
  }
}
