package io.github.vmdkdelta.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.Seeds;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the qemu-made images in {@code testdata/} and checks the content that the commands in
 * {@code testdata/README.md} wrote. The expected bytes are replayed from those commands (each one
 * is checked to appear verbatim in the README), never taken from our own output.
 */
class ChainReaderTest {
  private static final Path TESTDATA = Path.of("testdata");

  /** One qemu-io {@code write} command: {@code -P value} (or {@code -z}) at offset, length. */
  record Write(String file, int value, long offset, int length) {
    String command() {
      return "write "
          + (value == 0 ? "-z" : String.format("-P 0x%02x", value))
          + " "
          + offset
          + " "
          + length;
    }

    void applyTo(byte[] disk) {
      Arrays.fill(disk, (int) offset, (int) offset + length, (byte) value);
    }
  }

  // The qemu-io commands of testdata/README.md, in the order they were run.
  private static final List<Write> BASE =
      List.of(
          new Write("base.vmdk", 0x11, 61440, 8192), new Write("base.vmdk", 0x22, 100000, 3000));
  private static final List<Write> DELTA =
      List.of(
          new Write("delta.vmdk", 0x33, 65536, 4096), new Write("delta.vmdk", 0x44, 4190208, 4096));
  private static final List<Write> DELTA_ZEROED =
      List.of(new Write("delta-zeroed.vmdk", 0, 0, 65536));
  private static final List<Write> ODD = List.of(new Write("odd.vmdk", 0x55, 1019904, 4096));

  private static final int MIB_4 = 4 * 1024 * 1024;

  @Test
  void readmeListsEveryCommandReplayedHere() throws IOException {
    String readme = Files.readString(TESTDATA.resolve("README.md"), StandardCharsets.UTF_8);
    for (List<Write> writes : List.of(BASE, DELTA, DELTA_ZEROED, ODD)) {
      for (Write w : writes) {
        assertThat(readme).contains("-c '" + w.command() + "'").contains(w.file());
      }
    }
    assertThat(readme)
        .contains("qemu-img create -f vmdk base.vmdk 4M")
        .contains("qemu-img create -f vmdk -b base.vmdk -F vmdk delta.vmdk")
        .contains(
            "qemu-img create -f vmdk -o zeroed_grain=on -b base.vmdk -F vmdk delta-zeroed.vmdk")
        .contains("qemu-img create -f vmdk odd.vmdk 1000K");
  }

  @Test
  void readsBase() throws IOException {
    assertThat(readAll(TESTDATA.resolve("base.vmdk"))).isEqualTo(expected(MIB_4, BASE));
  }

  @Test
  void readsQemuDeltaThroughItsParent() throws IOException {
    DiskChain chain = DiskChain.open(TESTDATA.resolve("delta.vmdk"));
    assertThat(chain.layers())
        .extracting(l -> l.path().getFileName().toString())
        .containsExactly("delta.vmdk", "base.vmdk");
    assertThat(chain.cidMismatch()).isEqualTo(-1);
    assertThat(readAll(TESTDATA.resolve("delta.vmdk"))).isEqualTo(expected(MIB_4, BASE, DELTA));
  }

  @Test
  void zeroedGrainHidesTheParentsData() throws IOException {
    Path file = TESTDATA.resolve("delta-zeroed.vmdk");
    SparseExtent extent = SparseExtent.open(file);
    assertThat(extent.header().hasZeroedGrainEntries()).isTrue();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // The case under test is really there: grain 0 is a zeroed-grain entry, not a data grain.
      assertThat(extent.readGrainTable(ch, 0).grainSector(0)).isEqualTo(1);
    }
    byte[] disk = readAll(file);
    assertThat(disk).isEqualTo(expected(MIB_4, BASE, DELTA_ZEROED));
    assertThat(disk[61440]).isZero(); // 0x11 in the parent, hidden
    assertThat(disk[65536]).isEqualTo((byte) 0x11); // grain 1: still the parent's
  }

  @Test
  void readsPartialLastGrain() throws IOException {
    Path file = TESTDATA.resolve("odd.vmdk");
    assertThat(SparseExtent.open(file).header().capacity() % 128).isNotZero();
    byte[] disk = readAll(file);
    assertThat(disk).hasSize(1024000).isEqualTo(expected(1024000, ODD));
  }

  @Test
  void readsOfAnyRangeAgreeWithAFullRead() throws IOException {
    long seed = Seeds.seed("ChainReaderTest.readsOfAnyRangeAgreeWithAFullRead");
    SplittableRandom random = new SplittableRandom(seed);
    byte[] full = expected(MIB_4, BASE, DELTA);
    try (ChainReader reader = ChainReader.open(DiskChain.open(TESTDATA.resolve("delta.vmdk")))) {
      for (int i = 0; i < 500; i++) {
        int offset = random.nextInt(MIB_4);
        int length = random.nextInt(Math.min(MIB_4 - offset, 200_000) + 1);
        byte[] dst = new byte[length + 2];
        reader.read(offset, dst, 1, length);
        assertThat(Arrays.copyOfRange(dst, 1, length + 1))
            .as("seed %d: [%d, +%d)", seed, offset, length)
            .isEqualTo(Arrays.copyOfRange(full, offset, offset + length));
        assertThat(dst[0]).isZero();
        assertThat(dst[length + 1]).isZero();
      }
    }
  }

  @Test
  void refusesReadsPastTheCapacity() throws IOException {
    try (ChainReader reader = ChainReader.open(DiskChain.open(TESTDATA.resolve("odd.vmdk")))) {
      assertThat(reader.capacityBytes()).isEqualTo(1024000);
      byte[] last = new byte[1];
      reader.read(1023999, last, 0, 1);
      assertThat(last[0]).isEqualTo((byte) 0x55);
      assertThatThrownBy(() -> reader.read(1023999, new byte[2], 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> reader.read(-1, new byte[1], 0, 1))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> reader.read(0, new byte[1], 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void grainPastTheEndOfTheFileIsCorrupt(@TempDir Path dir) throws IOException {
    Files.copy(TESTDATA.resolve("base.vmdk"), dir.resolve("base.vmdk"));
    Path delta = Files.copy(TESTDATA.resolve("delta.vmdk"), dir.resolve("delta.vmdk"));
    long size = Files.size(delta);
    // Point grain 1 of the delta's grain table one sector before the end: its start lies inside
    // the file, its data does not.
    setGrainTableEntry(delta, 1, size / 512 - 1);
    try (ChainReader reader = ChainReader.open(DiskChain.open(delta))) {
      byte[] b = new byte[4096];
      reader.read(61440, b, 0, 4096); // grain 0 still reads, from the parent
      assertThat(b).containsOnly((byte) 0x11);
      assertThatThrownBy(() -> reader.read(65536, new byte[1024], 0, 1024))
          .isInstanceOf(CorruptImageException.class)
          .hasMessageContaining("delta.vmdk")
          .hasMessageContaining("outside the file");
    }
    setGrainTableEntry(delta, 1, 0xfffffff0L);
    try (ChainReader reader = ChainReader.open(DiskChain.open(delta))) {
      assertThatThrownBy(() -> reader.read(65536, new byte[1], 0, 1))
          .isInstanceOf(CorruptImageException.class)
          .hasMessageContaining("sector 4294967280");
    }
  }

  @Test
  void closeClosesEveryLayer() throws IOException {
    ChainReader reader = ChainReader.open(DiskChain.open(TESTDATA.resolve("delta.vmdk")));
    reader.close();
    assertThatThrownBy(() -> reader.read(0, new byte[1], 0, 1))
        .isInstanceOf(java.nio.channels.ClosedChannelException.class);
  }

  private static void setGrainTableEntry(Path file, int index, long sector) throws IOException {
    long table = SparseExtent.open(file).grainDirectory().tableSector(0);
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) sector);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(b, table * 512 + index * 4L);
    }
  }

  @SafeVarargs
  private static byte[] expected(int capacity, List<Write>... layersBaseFirst) {
    byte[] disk = new byte[capacity];
    for (List<Write> layer : layersBaseFirst) {
      layer.forEach(w -> w.applyTo(disk));
    }
    return disk;
  }

  private static byte[] readAll(Path leaf) throws IOException {
    try (ChainReader reader = ChainReader.open(DiskChain.open(leaf))) {
      byte[] disk = new byte[Math.toIntExact(reader.capacityBytes())];
      reader.read(0, disk, 0, disk.length);
      return disk;
    }
  }
}
