package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RefusalCheck;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A descriptor declaring an encoding this tool cannot read names in (one Java lacks, or one whose
 * bytes cannot be read byte by byte) is refused as unsupported, with one line naming it, and no
 * file changes: on the disk itself and on a delta's parent.
 */
class UnreadableEncodingRefusalTest {
  @TempDir Path root;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "make, ISO-8859-14",
    "info, ISO-8859-14",
    "check, ISO-8859-14",
    "make, x-no-such",
    "make, UTF-16",
    "info, UTF-16",
    "make, ISO-2022-JP",
  })
  void onTheDisk(String verb, String encoding) throws IOException {
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        root,
        folder -> {
          Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
          QemuDisks.write(disk, 0, 65536, 0x5a);
          QemuDisks.editDescriptor(
              disk, "version=1\n", "version=1\nencoding=\"" + encoding + "\"\n");
        },
        verb,
        4,
        "sd0.vmdk: descriptor: ",
        "\"" + encoding + "\"");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "delete, ISO-8859-14",
    "revert, UTF-16",
    "commit, ISO-8859-14",
    "make, UTF-16",
  })
  void onTheParentOfADelta(String verb, String encoding) throws IOException {
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        root,
        folder -> {
          Path disk = QemuDisks.base(folder, "sd0.vmdk", "64M");
          QemuDisks.write(disk, 0, 65536, 0x5a);
          if (Cli.run("make", disk.toString()).code() != 0) {
            throw new AssertionError("make failed");
          }
          QemuDisks.editDescriptor(
              folder.resolve("sd0-000000.vmdk"),
              "version=1\n",
              "version=1\nencoding=\"" + encoding + "\"\n");
        },
        verb,
        4,
        "sd0-000000.vmdk: descriptor: ",
        "\"" + encoding + "\"");
  }
}
