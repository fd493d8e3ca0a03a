package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one grain-table reader, the meaning of entries and the grain to table to entry arithmetic.
 */
class GrainTableReaderTest {
  @TempDir Path dir;

  /** 1001 sectors in grains of 8 and tables of 16: 126 grains (the last of 1 sector), 8 tables. */
  private static VmdkFixture small(String name) {
    return VmdkFixture.base(name).capacitySectors(1001).grainSize(8).numGTEsPerGT(16);
  }

  @Test
  void entriesMeanUnallocatedZeroedOrData() throws IOException {
    SparseExtentHeader plain = SparseExtent.open(small("p.vmdk").writeTo(dir)).header();
    SparseExtentHeader zeroing =
        SparseExtent.open(small("z.vmdk").zeroedGrain(0).writeTo(dir)).header();
    assertThat(zeroing.hasZeroedGrainEntries()).isTrue();
    assertThat(plain.hasZeroedGrainEntries()).isFalse();

    assertThat(GrainEntries.stateOf(plain, GrainEntries.UNALLOCATED))
        .isEqualTo(GrainState.UNALLOCATED);
    assertThat(GrainEntries.stateOf(zeroing, GrainEntries.UNALLOCATED))
        .isEqualTo(GrainState.UNALLOCATED);
    assertThat(GrainEntries.stateOf(zeroing, GrainEntries.ZEROED)).isEqualTo(GrainState.ZEROED);
    // Without the flag, 1 is a sector like any other (one that lies in the metadata).
    assertThat(GrainEntries.stateOf(plain, GrainEntries.ZEROED)).isEqualTo(GrainState.DATA);
    assertThat(GrainEntries.stateOf(zeroing, 2)).isEqualTo(GrainState.DATA);
    assertThat(GrainEntries.stateOf(plain, Limits.MAX_ENTRY_SECTOR)).isEqualTo(GrainState.DATA);
  }

  @Test
  void addressesGrainsAcrossTableBoundaries() {
    SparseExtentHeader h = headerOf(small("a.vmdk"));
    assertThat(h.grains()).isEqualTo(126);
    assertThat(h.tableOf(15)).isZero();
    assertThat(h.entryOf(15)).isEqualTo(15);
    assertThat(h.tableOf(16)).isEqualTo(1);
    assertThat(h.entryOf(16)).isZero();
    assertThat(h.grainOf(1, 0)).isEqualTo(16);
    assertThat(h.grainOf(7, 13)).isEqualTo(125);
    assertThat(h.grainAt(16 * 8 * 512 - 1)).isEqualTo(15);
    assertThat(h.grainAt(16 * 8 * 512)).isEqualTo(16);
    assertThat(h.grainLength(124)).isEqualTo(8 * 512);
    assertThat(h.grainLength(125)).as("the last grain holds one sector").isEqualTo(512);
    assertThat(h.grainLength(126)).as("beyond the disk").isZero();
  }

  private SparseExtentHeader headerOf(VmdkFixture f) {
    try {
      return SparseExtent.open(f.writeTo(dir)).header();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void readsTheEntriesOnEitherSideOfATableBoundaryAndAtTheEnd() throws IOException {
    // Grains 15 (last of table 0), 16 (first of table 1) and 125 (the last, in table 7).
    VmdkFixture f = small("b.vmdk").grain(16 * 8, 0x16).grain(15 * 8, 0x15).grain(1000, 0x7d);
    Path p = f.writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      GrainTableReader one = GrainTableReader.of(e, ch);
      assertThat(one.table(0).grainSector(15)).isEqualTo(f.grainSectorOf(15 * 8)).isNotZero();
      assertThat(one.table(0).grainSector(14)).isEqualTo(GrainEntries.UNALLOCATED);
      assertThat(one.table(1).grainSector(0)).isEqualTo(f.grainSectorOf(16 * 8)).isNotZero();
      assertThat(one.table(1).grainSector(1)).isEqualTo(GrainEntries.UNALLOCATED);
      assertThat(one.table(7).grainSector(13)).isEqualTo(f.grainSectorOf(1000)).isNotZero();

      // The windowed reader and the redundant tables give the same entries, table for table.
      GrainTableReader windowed = GrainTableReader.sequential(e, ch);
      GrainTableReader redundant = GrainTableReader.sequential(e, ch);
      int[] a = new int[16];
      int[] b = new int[16];
      for (int t = 0; t < e.grainDirectory().size(); t++) {
        windowed.readAt(e.grainDirectory().tableSector(t), a);
        redundant.readAt(e.redundantGrainDirectory().orElseThrow().tableSector(t), b);
        assertThat(a).as("table %d", t).isEqualTo(entriesOf(one.table(t))).isEqualTo(b);
      }
    }
  }

  @Test
  void aWindowReadsTheTablesInOneReadAndNoGrainAfterThem() throws IOException {
    VmdkFixture f = small("w.vmdk").grain(0, 0x11).grain(500, 0x22).grain(1000, 0x33);
    Path p = f.writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    long lastTable = e.grainDirectory().tableSector(e.grainDirectory().size() - 1);
    long tablesEnd = (lastTable + e.header().grainTableSectors()) * 512;
    assertThat(tablesEnd).as("grains follow the tables").isLessThan(e.fileSize());
    List<long[]> reads = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      GrainTableReader windowed =
          GrainTableReader.sequential(
              e,
              (position, dst) -> {
                reads.add(new long[] {position, position + dst.remaining()});
                ch.read(dst, position);
              });
      int[] table = new int[16];
      for (int t = 0; t < e.grainDirectory().size(); t++) {
        windowed.readAt(e.grainDirectory().tableSector(t), table);
      }
      assertThat(table[13]).isEqualTo((int) f.grainSectorOf(1000));
    }
    assertThat(reads).hasSize(1);
    assertThat(reads.get(0)[0]).isEqualTo(e.grainDirectory().tableSector(0) * 512);
    assertThat(reads.get(0)[1]).isEqualTo(tablesEnd);
  }

  private static int[] entriesOf(GrainTable t) {
    int[] entries = new int[t.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = (int) t.grainSector(i);
    }
    return entries;
  }

  @Test
  void aDirectoryEntryOfNoTableReadsAsUnallocatedGrains() throws IOException {
    Path p = small("n.vmdk").grain(130, 0x44).gdEntry(1, GrainDirectory.NO_TABLE).writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    assertThat(e.grainDirectory().hasTable(1)).isFalse();
    assertThat(e.grainDirectory().hasTable(0)).isTrue();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      int[] dst = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
      GrainTableReader.sequential(e, ch).readAt(GrainDirectory.NO_TABLE, dst);
      assertThat(dst).containsOnly((int) GrainEntries.UNALLOCATED);
    }
  }

  @Test
  void aLyingEntryIsRefusedBeforeItIsUsed() throws IOException {
    VmdkFixture f = small("l.vmdk").grain(0, 0x11);
    Path p = f.writeTo(dir);
    long overHead = f.layout().overHead();
    setEntry(p, 1, overHead + 8 * 1000); // far past the end of the file
    setEntry(p, 2, 3); // inside the metadata
    SparseExtent e = SparseExtent.open(p);
    assertThat(GrainEntries.misplacement(e.header(), e.fileSize(), 0, overHead, 4096)).isNull();
    assertThatThrownBy(() -> DeltaGrains.check(e, 4096, 2 * 4096))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("l.vmdk: grain table: grain 1 lies past the end of the file (sector")
        .hasMessageContaining(", 8 sectors; file has ");
    assertThatThrownBy(() -> DeltaGrains.check(e, 2 * 4096, 3 * 4096))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining(
            "l.vmdk: grain table: grain 2 points into the metadata (sector 3, grains start at"
                + " sector "
                + overHead
                + ")");
    assertThat(DeltaGrains.check(e, 0, 4096).grains()).isEqualTo(1);
  }

  @Test
  void aFileThatShrankUnderTheReaderIsAFileThatChanged() throws IOException {
    VmdkFixture f = small("s.vmdk").grain(0, 0x11);
    Path p = f.writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.setLength(e.grainDirectory().tableSector(0) * 512); // cut before the first table
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      assertThatThrownBy(() -> GrainTableReader.of(e, ch).table(0))
          .isInstanceOf(FileChangedException.class)
          .hasMessage(p + ": file shrank while it was being read");
      assertThatThrownBy(() -> GrainTableReader.sequential(e, ch).readAt(1 << 20, new int[16]))
          .isInstanceOf(FileChangedException.class);
    }
    assertThatThrownBy(() -> FileChangedException.requireSize(p, e.fileSize()))
        .isInstanceOf(FileChangedException.class)
        .hasMessage(
            p
                + ": file changed size since it was checked ("
                + e.grainDirectory().tableSector(0) * 512
                + " bytes, was "
                + e.fileSize()
                + "); nothing was changed");
  }

  @Test
  void aParentGrainOffAGrainBoundaryOverlappingAnotherIsRefusedByCommitsCheck() throws IOException {
    VmdkFixture parent = small("p.vmdk").grain(8, 0x01).grain(16, 0x02);
    Path p = parent.writeTo(dir);
    long first = parent.grainSectorOf(8);
    // Grain 2 starts half way into grain 1: writing either changes the other.
    setEntry(p, 2, first + 4);
    Path c =
        VmdkFixture.delta("c.vmdk", "p.vmdk", parent.cid())
            .capacitySectors(1001)
            .grainSize(8)
            .numGTEsPerGT(16)
            .grain(0, 0x33)
            .writeTo(dir);
    SparseExtent child = SparseExtent.open(c);
    SparseExtent parentExtent = SparseExtent.open(p);
    assertThatThrownBy(() -> DeltaMerge.check(child, parentExtent, false))
        .isInstanceOf(CorruptImageException.class)
        .hasMessage(
            p
                + ": grain table: grains 1 and 2 overlap in the file (sectors "
                + first
                + " and "
                + (first + 4)
                + ", 8 sectors each)");
  }

  /** Sets entry {@code grain} of the first grain table, in both copies. */
  private static void setEntry(Path disk, int grain, long value) throws IOException {
    SparseExtent e = SparseExtent.open(disk);
    byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array();
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(e.grainDirectory().tableSector(0) * 512 + 4L * grain);
      f.write(b);
      f.seek(e.redundantGrainDirectory().orElseThrow().tableSector(0) * 512 + 4L * grain);
      f.write(b);
    }
  }
}
