package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Seeds;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import io.github.vmdkdelta.vmdk.ExtentFile;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library's merge ({@link DeltaMerge} over {@link io.github.vmdkdelta.vmdk.SparseExtentWriter})
 * on its own, with a plain {@link ExtentFile}: after merging a qemu-made delta into its qemu-made
 * parent, the parent alone reads (for qemu-img) as the chain did, whatever the batch size; a dry
 * run changes nothing and predicts the parent's length; progress goes up to the total.
 */
class DeltaMergeInteropTest {
  @ParameterizedTest(name = "batches of {0} bytes")
  @ValueSource(ints = {1, 65536, 200_000, DeltaMerge.DEFAULT_BATCH_BYTES})
  void parentAloneReadsAsTheChainDid(int batchBytes, @TempDir Path dir) throws IOException {
    long seed =
        Seeds.seed("DeltaMergeInteropTest.parentAloneReadsAsTheChainDid[" + batchBytes + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Qemu qemu = new Qemu(dir);
    qemu.create("base.vmdk", "40000K"); // two grain tables, the last grain partial
    long capacity = 40000 * 1024;
    qemu.write("base.vmdk", Pattern.random(random, capacity, 12));
    qemu.createDelta("top.vmdk", "base.vmdk");
    qemu.write("top.vmdk", Pattern.random(random, capacity, 12));
    Path raw = dir.resolve("chain.raw");
    qemu.convertToRaw("top.vmdk", raw);
    Path parentPath = dir.resolve("base.vmdk");
    String parentSha = Qemu.sha256(parentPath);
    SparseExtent child = SparseExtent.open(dir.resolve("top.vmdk"));
    SparseExtent parent = SparseExtent.open(parentPath);
    DeltaMerge merge = DeltaMerge.check(child, parent, false).withBatchBytes(batchBytes);

    long[] dryLength = new long[1];
    DeltaMerge.Result dry =
        merge.run(null, countingFile(parentPath, dryLength), DeltaMerge.Progress.NONE);
    assertThat(Qemu.sha256(parentPath)).as("a dry run changes nothing").isEqualTo(parentSha);

    List<long[]> reports = new ArrayList<>();
    DeltaMerge.Result result;
    try (FileChannel source = FileChannel.open(child.path(), StandardOpenOption.READ);
        FileChannel target =
            FileChannel.open(parentPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      result =
          merge.run(
              source, ExtentFile.of(parentPath, target), (d, t) -> reports.add(new long[] {d, t}));
    }

    assertThat(result).as("dry run and merge agree, seed " + seed).isEqualTo(dry);
    assertThat(Files.size(parentPath)).isEqualTo(result.parentLength()).isEqualTo(dryLength[0]);
    assertThat(result.bytes()).isEqualTo(merge.bytes()).isPositive();
    qemu.assertCheckClean("base.vmdk");
    qemu.assertSameContent("base.vmdk", raw);
    assertThat(reports).isNotEmpty();
    long previous = 0;
    for (long[] r : reports) {
      assertThat(r[0]).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(r[1]);
      assertThat(r[1]).isEqualTo(merge.bytes());
      previous = r[0];
    }
    assertThat(previous).isEqualTo(merge.bytes());
    if (batchBytes == 1) {
      assertThat(reports.size()).as("one batch per grain").isEqualTo((int) merge.grains());
    }
  }

  /** Reads the file, writes nothing, and records the length the file would reach. */
  private static ExtentFile countingFile(Path path, long[] length) throws IOException {
    long size = Files.size(path);
    length[0] = size;
    return new ExtentFile() {
      @Override
      public Path path() {
        return path;
      }

      @Override
      public long size() {
        return length[0];
      }

      @Override
      public void read(long position, ByteBuffer dst) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
          ExtentFile.readFully(ch, position, dst, path);
        }
      }

      @Override
      public void write(List<Region> regions) {
        for (Region r : regions) {
          length[0] = Math.max(length[0], r.position() + r.length());
        }
      }

      @Override
      public void force() {}

      @Override
      public void extend(long newLength) {
        length[0] = Math.max(length[0], newLength);
      }
    };
  }
}
