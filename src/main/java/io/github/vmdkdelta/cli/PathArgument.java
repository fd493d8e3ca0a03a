package io.github.vmdkdelta.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Turns a command-line argument into a path, and says so when the name was lost on the way in: Java
 * decodes arguments in the charset of the system's locale and puts U+FFFD for bytes that are not
 * valid in it ({@code caf\xe9.vmdk}, a Latin-1 name, on a UTF-8 system), so the file it then looks
 * for is not the one the user named.
 */
final class PathArgument implements CommandLine.ITypeConverter<Path> {
  private static final char REPLACEMENT = '\uFFFD';

  /** The name held bytes the system's charset cannot decode. */
  static final class UnrepresentableName extends CommandLine.TypeConversionException {
    UnrepresentableName(String value) {
      super(
          value
              + ": file name: holds bytes that are not valid in this system's charset for file"
              + " names ("
              + System.getProperty("sun.jnu.encoding")
              + "), so Java cannot name the file (it reads them as U+FFFD); rename the file to a"
              + " name in that charset (for example with convmv), or run in a locale whose charset"
              + " the name is written in");
    }
  }

  @Override
  public Path convert(String value) {
    Path path = Path.of(value);
    // A real name may hold U+FFFD itself: only a name that then names nothing was mangled.
    if (value.indexOf(REPLACEMENT) >= 0 && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnrepresentableName(value);
    }
    return path;
  }
}
