package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.SafeFileOperations;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates bytes of a valid delta and its parent (header, descriptor area, directories) and opens
 * the result. The only allowed outcomes are success or a checked refusal (a {@link VmdkException}
 * or another {@link IOException}); never a runtime exception, an error or a hang.
 *
 * <p>The seed is printed; rerun a failure with {@code -Dvmdk.fuzz.seed=<seed>} (and {@code
 * -Dvmdk.fuzz.cases=<n>} for more or fewer cases), then turn it into a named test.
 */
class MutationFuzzTest {
  private static final int HEADER = 512;

  /** Header field offsets and widths (spec), to aim value mutations at whole fields. */
  private static final int[][] FIELDS = {
    {0, 4}, {4, 4}, {8, 4}, {12, 8}, {20, 8}, {28, 8}, {36, 8}, {44, 4}, {48, 8}, {56, 8}, {64, 8},
    {72, 1}, {73, 4}, {77, 2}
  };

  private static final byte[] DESCRIPTOR_BYTES = {
    '"', '#', '=', '\n', '\r', 0, '/', '\\', '.', ' ', '\t', (byte) 0xff, (byte) 0xc3, '0', 'f', 'g'
  };

  @TempDir Path dir;

  @Test
  void mutatedImagesOpenOrAreRefusedNeverCrashOrHang() throws Exception {
    long seed = Long.getLong("vmdk.fuzz.seed", new SplittableRandom().nextLong());
    int cases = Integer.getInteger("vmdk.fuzz.cases", 5000);
    System.out.println(
        "MutationFuzzTest seed: " + seed + " (rerun with -Dvmdk.fuzz.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);

    VmdkFixture parentFixture =
        VmdkFixture.base("p.vmdk")
            .cid(0x11111111)
            .capacitySectors(2048)
            .grainSize(8)
            .numGTEsPerGT(16)
            .grain(100, 0xaa);
    VmdkFixture childFixture =
        VmdkFixture.delta("c.vmdk", "p.vmdk", 0x11111111)
            .cid(0x22222222)
            .capacitySectors(2048)
            .grainSize(8)
            .numGTEsPerGT(16)
            .ddb("ddb.uuid", "60 00 C2 9a 4b 2c 11 d3-8e 0a 7e 14 55 b5 96 4c")
            .ddb("ddb.longContentID", "0123456789abcdef0123456789abcdef")
            .grain(1000, 0xbb);
    byte[] parent = parentFixture.toBytes();
    byte[] child = childFixture.toBytes();
    Path parentPath = dir.resolve("p.vmdk");
    Path childPath = dir.resolve("c.vmdk");

    Map<String, Integer> outcomes = new TreeMap<>();
    for (int n = 0; n < cases; n++) {
      boolean mutateParent = random.nextInt(5) == 0;
      List<String> log = new ArrayList<>();
      byte[] target = mutateParent ? parent : child;
      VmdkFixture fixture = mutateParent ? parentFixture : childFixture;
      byte[] mutated = mutate(target, fixture, random, log);
      put(childPath, mutateParent ? child : mutated);
      put(parentPath, mutateParent ? mutated : parent);

      String what =
          "seed " + seed + ", case " + n + ", " + (mutateParent ? "parent" : "child") + ": " + log;
      String outcome =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10), () -> openEverything(childPath, what), () -> "hang: " + what);
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("MutationFuzzTest outcomes: " + outcomes);
    // A fuzzer whose every case fails (or succeeds) tests nothing: both must happen.
    assertThat(outcomes).containsKey("ok");
    assertThat(outcomes.keySet()).anyMatch(k -> !k.equals("ok"));
  }

  /**
   * Overwrites in place instead of truncating to 0 first: ext4 flushes a file truncated to 0 and
   * rewritten (auto_da_alloc), which made each case wait for the disk.
   */
  private static void put(Path path, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b, b.position());
      }
      ch.truncate(bytes.length);
    }
  }

  private static String openEverything(Path childPath, String what) {
    try {
      SparseExtent extent = SparseExtent.open(childPath);
      try (FileChannel ch = FileChannel.open(childPath, StandardOpenOption.READ)) {
        for (int i = 0; i < extent.grainDirectory().size(); i++) {
          extent.readGrainTable(ch, i);
        }
      }
      DiskChain chain = DiskChain.open(childPath);
      chain.cidMismatch();
      for (DiskLayer layer : chain.layers()) {
        layer.extentFileName();
      }
      new MakeDelta(new SafeFileOperations(), new SplittableRandom(1), Options.DEFAULT)
          .plan(childPath);
      return "ok";
    } catch (IOException e) { // VmdkException included
      return e.getClass().getSimpleName();
    } catch (RuntimeException | Error e) {
      return fail("unexpected " + e + " for " + what, e);
    }
  }

  private static byte[] mutate(
      byte[] original, VmdkFixture f, SplittableRandom r, List<String> log) {
    byte[] b = original.clone();
    int descriptorEnd = HEADER + f.descriptor().length + 16;
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      switch (r.nextInt(8)) {
        case 0, 1 -> { // a random byte anywhere in the header
          int at = r.nextInt(HEADER);
          b[at] = (byte) r.nextInt(256);
          log.add("byte " + at + "=" + (b[at] & 0xff));
        }
        case 2 -> { // a bit flip in the header or descriptor text
          int at = r.nextInt(descriptorEnd);
          b[at] ^= (byte) (1 << r.nextInt(8));
          log.add("flip " + at);
        }
        case 3, 4 -> { // an edge value in a whole header field
          int[] field = FIELDS[r.nextInt(FIELDS.length)];
          long v = edgeValue(r, b.length);
          ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < field[1]; i++) {
            bb.put(field[0] + i, (byte) (v >>> (8 * i)));
          }
          log.add("field@" + field[0] + "=" + v);
        }
        case 5, 6 -> { // a meaningful character in the descriptor text
          int at = HEADER + r.nextInt(descriptorEnd - HEADER);
          b[at] = DESCRIPTOR_BYTES[r.nextInt(DESCRIPTOR_BYTES.length)];
          log.add("text " + at + "='" + (char) (b[at] & 0xff) + "'");
        }
        default -> { // a random byte, or an edge value, in a directory entry
          VmdkFixture.Layout l = f.layout();
          long start = (r.nextBoolean() ? l.gdOffset() : l.rgdOffset()) * 512;
          int entry = r.nextInt((int) l.gdEntries());
          int at = (int) (start + entry * 4);
          if (r.nextBoolean()) {
            at += r.nextInt(4);
            b[at] = (byte) r.nextInt(256);
            log.add("dir byte " + at + "=" + (b[at] & 0xff));
          } else {
            int v = (int) edgeValue(r, b.length);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
            log.add("dir entry@" + at + "=" + Integer.toUnsignedString(v));
          }
        }
      }
    }
    if (r.nextInt(50) == 0) {
      int length = r.nextInt(b.length + 1);
      log.add("truncate " + length);
      return java.util.Arrays.copyOf(b, length);
    }
    return b;
  }

  private static long edgeValue(SplittableRandom r, int fileLength) {
    long sectors = fileLength / 512;
    long[] values = {
      0,
      1,
      2,
      3,
      4,
      8,
      128,
      512,
      513,
      0x200000,
      0x200001,
      sectors - 1,
      sectors,
      sectors + 1,
      0x7fffffffL,
      0x80000000L,
      0xffffffffL,
      1L << 32,
      (1L << 32) + 1,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      -1,
      -2,
      r.nextLong()
    };
    return values[r.nextInt(values.length)];
  }
}
