package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.ChainWriter;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.RawVmdk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flat parent with a ZERO extent between two flat ones. Zeroed grains of the delta over the ZERO
 * extent need nothing (it reads as zeros already), over a flat extent they become zeros in the
 * file, and data around the ZERO extent lands in the flat extents. (Data over it is refused: see
 * {@code CommitRefusalTest}.) qemu leaves ZERO extents out of the virtual disk, so our own reader
 * is the judge here.
 */
class CommitIntoZeroExtentsTest {
  private static final int GRAIN = 65536;

  @TempDir Path dir;

  @Test
  void zeroedGrainsOverAZeroExtentNeedNothingAndTheRestIsMerged() throws IOException {
    fill(dir.resolve("sd0-f001.vmdk"), 2048 * 512, 0x11);
    fill(dir.resolve("sd0-f002.vmdk"), 2048 * 512, 0x22);
    Files.writeString(
        dir.resolve("sd0.vmdk"),
        "# Disk DescriptorFile\nversion=1\nCID=1234abcd\nparentCID=ffffffff\n"
            + "createType=\"twoGbMaxExtentFlat\"\n\n# Extent description\n"
            + "RW 2048 FLAT \"sd0-f001.vmdk\" 0\nRW 2048 ZERO\nRW 2048 FLAT \"sd0-f002.vmdk\" 0\n"
            + "\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n");
    Path disk = dir.resolve("sd0.vmdk");
    new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT).run(disk);
    allowZeroedGrainEntries(disk);
    try (ChainWriter w = ChainWriter.open(DiskChain.open(disk), new SplittableRandom(2))) {
      w.write(8 * GRAIN + 100, pattern(2 * GRAIN, 0x33), 0, 2 * GRAIN); // the first flat extent
      w.write(40 * GRAIN, pattern(GRAIN, 0x44), 0, GRAIN); // the second
    }
    RawVmdk.of(disk).setBothGtes(3, 1); // zeros over the first flat extent's data
    RawVmdk.of(disk).setBothGtes(20, 1); // zeros over the ZERO extent
    byte[] before = readAll(disk);

    new CommitDelta(new SafeFileOperations(), new SplittableRandom(3), Options.DEFAULT).run(disk);

    assertThat(names()).containsExactlyInAnyOrder("sd0.vmdk", "sd0-f001.vmdk", "sd0-f002.vmdk");
    assertThat(Arrays.mismatch(readAll(disk), before)).as("first byte that differs").isEqualTo(-1);
    byte[] first = Files.readAllBytes(dir.resolve("sd0-f001.vmdk"));
    assertThat(Arrays.copyOfRange(first, 3 * GRAIN, 4 * GRAIN)).containsOnly(0);
    assertThat(Arrays.copyOfRange(first, 8 * GRAIN + 100, 10 * GRAIN + 100)).containsOnly(0x33);
  }

  /** Version 2 with flag bit 2, as qemu-img writes a delta with {@code zeroed_grain=on}. */
  private static void allowZeroedGrainEntries(Path disk) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(4);
      f.write(new byte[] {2, 0, 0, 0});
      f.seek(8);
      int flags = f.read();
      f.seek(8);
      f.write(flags | 4);
    }
  }

  private static byte[] readAll(Path disk) throws IOException {
    try (ChainReader r = ChainReader.open(DiskChain.open(disk))) {
      byte[] all = new byte[(int) r.capacityBytes()];
      r.read(0, all, 0, all.length);
      return all;
    }
  }

  private static void fill(Path file, int length, int value) throws IOException {
    Files.write(file, pattern(length, value));
  }

  private static byte[] pattern(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private String[] names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toArray(String[]::new);
    }
  }
}
