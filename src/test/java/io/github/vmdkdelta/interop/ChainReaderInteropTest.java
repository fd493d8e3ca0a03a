package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.Seeds;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our {@link ChainReader} against qemu's reading of the same chain ({@code qemu-img convert -O
 * raw}), byte for byte: chains made by qemu-img, and chains made by our {@code make}.
 */
class ChainReaderInteropTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"64M", "1000K", "20000K"})
  void readsAQemuMadeDelta(String size, @TempDir Path dir) throws IOException {
    long seed = Seeds.seed("ChainReaderInteropTest.readsAQemuMadeDelta[" + size + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Qemu qemu = new Qemu(dir);
    qemu.create("base.vmdk", size);
    long capacity = (Long) qemu.infoChain("base.vmdk").get(0).get("virtual-size");
    qemu.write("base.vmdk", Pattern.random(random, capacity, 10));
    qemu.createDelta("child.vmdk", "base.vmdk");
    qemu.write("child.vmdk", Pattern.random(random, capacity, 10));

    assertReadsLikeQemu(qemu, dir, "child.vmdk", 2, random, seed);
    assertReadsLikeQemu(qemu, dir, "base.vmdk", 1, random, seed);
  }

  @Test
  void readsAQemuMadeDeltaWithZeroedGrains(@TempDir Path dir) throws IOException {
    long seed = Seeds.seed("ChainReaderInteropTest.readsAQemuMadeDeltaWithZeroedGrains");
    SplittableRandom random = new SplittableRandom(seed);
    Qemu qemu = new Qemu(dir);
    qemu.create("base.vmdk", "8M");
    int grains = 8 * 1024 * 1024 / Pattern.GRAIN;
    // Fill the base so that a zeroed grain in the child always hides data.
    List<Pattern> fill = new ArrayList<>();
    for (int g = 0; g < grains; g++) {
      fill.add(new Pattern(1 + random.nextInt(255), (long) g * Pattern.GRAIN, Pattern.GRAIN));
    }
    qemu.write("base.vmdk", fill);
    qemu.createDelta("child.vmdk", "base.vmdk", "-o", "zeroed_grain=on");
    List<Pattern> writes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int first = random.nextInt(grains);
      int count = 1 + random.nextInt(Math.min(3, grains - first));
      writes.add(new Pattern(0, (long) first * Pattern.GRAIN, count * Pattern.GRAIN));
      writes.add(Pattern.random(random, 8 * 1024 * 1024, 2).get(1));
    }
    qemu.write("child.vmdk", writes);
    // The case under test is really there: qemu wrote zeroed-grain entries.
    SparseExtent child = SparseExtent.open(dir.resolve("child.vmdk"));
    try (FileChannel ch = FileChannel.open(child.path(), StandardOpenOption.READ)) {
      var table = child.readGrainTable(ch, 0);
      long zeroed =
          java.util.stream.IntStream.range(0, grains)
              .filter(g -> table.grainSector(g) == 1)
              .count();
      assertThat(zeroed).isPositive();
    }

    assertReadsLikeQemu(qemu, dir, "child.vmdk", 2, random, seed);
  }

  @Test
  void readsAThreeLayerChainMadeByMake(@TempDir Path dir) throws IOException {
    long seed = Seeds.seed("ChainReaderInteropTest.readsAThreeLayerChainMadeByMake");
    SplittableRandom random = new SplittableRandom(seed);
    Qemu qemu = new Qemu(dir);
    qemu.create("sd0.vmdk", "20000K");
    long capacity = (Long) qemu.infoChain("sd0.vmdk").get(0).get("virtual-size");
    qemu.write("sd0.vmdk", Pattern.random(random, capacity, 8));
    for (int i = 0; i < 2; i++) {
      Cli.run("make", dir.resolve("sd0.vmdk"));
      qemu.write("sd0.vmdk", Pattern.random(random, capacity, 8));
    }

    assertReadsLikeQemu(qemu, dir, "sd0.vmdk", 3, random, seed);
    assertReadsLikeQemu(qemu, dir, "sd0-000001.vmdk", 2, random, seed);
  }

  /** A full read and random ranges of the chain equal what qemu-img reads. */
  private static void assertReadsLikeQemu(
      Qemu qemu, Path dir, String leaf, int depth, SplittableRandom random, long seed)
      throws IOException {
    Path raw = dir.resolve(leaf + ".raw");
    qemu.convertToRaw(leaf, raw);
    byte[] expected = Files.readAllBytes(raw);
    Files.delete(raw);
    DiskChain chain = DiskChain.open(dir.resolve(leaf));
    assertThat(chain.layers()).hasSize(depth);
    try (ChainReader reader = ChainReader.open(chain)) {
      assertThat(reader.capacityBytes()).isEqualTo(expected.length);
      byte[] all = new byte[expected.length];
      reader.read(0, all, 0, all.length);
      assertSameBytes(all, expected, 0, leaf + " full read, seed " + seed);
      for (int i = 0; i < 300; i++) {
        int offset = random.nextInt(expected.length);
        int length = random.nextInt(Math.min(expected.length - offset, 3 * Pattern.GRAIN) + 1);
        byte[] part = new byte[length];
        reader.read(offset, part, 0, length);
        assertSameBytes(
            part,
            Arrays.copyOfRange(expected, offset, offset + length),
            offset,
            leaf + " [" + offset + ", +" + length + "), seed " + seed);
      }
    }
  }

  /** Equal arrays, or a message giving the first differing virtual byte (not a 64 MiB dump). */
  private static void assertSameBytes(byte[] actual, byte[] expected, long base, String what) {
    int at = Arrays.mismatch(actual, expected);
    if (at >= 0) {
      throw new AssertionError(
          String.format(
              "%s: first difference at virtual byte %d: ours 0x%02x, qemu 0x%02x",
              what,
              base + at,
              at < actual.length ? actual[at] : 0,
              at < expected.length ? expected[at] : 0));
    }
  }
}
