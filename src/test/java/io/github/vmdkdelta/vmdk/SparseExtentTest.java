package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseExtentTest {
  @TempDir Path dir;

  /** Small geometry so that a small file has several grain tables: 16 x 8 = 128 sectors each. */
  private static VmdkFixture multiTable(String name) {
    return VmdkFixture.base(name).capacitySectors(1000).grainSize(8).numGTEsPerGT(16);
  }

  @Test
  void readsHeaderDescriptorAndBothDirectories() throws Exception {
    VmdkFixture f = multiTable("m.vmdk").cid(0xcafe0001);
    Path p = f.writeTo(dir);
    VmdkFixture.Layout l = f.layout();
    assertThat(l.gdEntries()).isEqualTo(8); // ceil(1000 / 128)

    SparseExtent e = SparseExtent.open(p);
    assertThat(e.path()).isEqualTo(p);
    assertThat(e.fileSize()).isEqualTo(Files.size(p));
    assertThat(e.header().gdOffset()).isEqualTo(l.gdOffset());
    assertThat(e.header().rgdOffset()).isEqualTo(l.rgdOffset());
    assertThat(e.header().overHead()).isEqualTo(l.overHead());
    assertThat(e.descriptor()).isPresent();
    assertThat(e.descriptor().get().cid(p)).isEqualTo(new ContentId(0xcafe0001));
    assertThat(e.descriptor().get().encode()).isEqualTo(f.descriptor());
    assertThat(e.descriptorAreaOffset()).isEqualTo(512);
    byte[] area = e.descriptorArea();
    assertThat(area).hasSize(20 * 512);
    assertThat(new String(area, 0, f.descriptor().length, StandardCharsets.UTF_8))
        .isEqualTo(new String(f.descriptor(), StandardCharsets.UTF_8));

    GrainDirectory gd = e.grainDirectory();
    GrainDirectory rgd = e.redundantGrainDirectory().orElseThrow();
    assertThat(gd.size()).isEqualTo(8);
    assertThat(rgd.size()).isEqualTo(8);
    for (int i = 0; i < 8; i++) {
      assertThat(gd.tableSector(i)).as("GD entry %d", i).isEqualTo(l.gtOffset(i));
      assertThat(rgd.tableSector(i)).as("RGD entry %d", i).isEqualTo(l.rgtOffset(i));
    }
    assertThat(rgd.tableSector(1)).isNotEqualTo(gd.tableSector(1));
  }

  @Test
  void noRedundantDirectoryWithoutTheFlag() throws Exception {
    Path p =
        multiTable("m.vmdk").header(h -> h.flags = 1).header(h -> h.rgdOffset = 0).writeTo(dir);
    assertThat(SparseExtent.open(p).redundantGrainDirectory()).isEmpty();
  }

  @Test
  void readsGrainTablesAndTheGrainsTheyPointTo() throws Exception {
    // Grains in table 0, 3 and the last table, written out of order.
    VmdkFixture f =
        multiTable("g.vmdk").grain(999, 0xee).grain(3 * 128 + 5 * 8, 0x33).grain(0, 0x11);
    Path p = f.writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      for (long sector : new long[] {0, 3 * 128 + 5 * 8 + 7, 999}) {
        int table = (int) (sector / 128);
        int entry = (int) (sector / 8 % 16);
        GrainTable gt = e.readGrainTable(ch, table);
        assertThat(gt.size()).isEqualTo(16);
        long grainSector = gt.grainSector(entry);
        assertThat(grainSector).as("grain of sector %d", sector).isEqualTo(f.grainSectorOf(sector));
        assertThat(grainSector).isGreaterThanOrEqualTo(e.header().overHead());
        ByteBuffer data = ByteBuffer.allocate(8 * 512);
        ch.read(data, grainSector * 512);
        byte expected = (byte) (sector == 0 ? 0x11 : sector == 999 ? 0xee : 0x33);
        for (byte b : data.array()) {
          assertThat(b).isEqualTo(expected);
        }
      }
      // Every other entry of a table holding one grain is unallocated.
      GrainTable t3 = e.readGrainTable(ch, 3);
      for (int i = 0; i < 16; i++) {
        assertThat(t3.grainSector(i)).isEqualTo(i == 5 ? f.grainSectorOf(3 * 128 + 40) : 0);
      }
      assertThat(e.readGrainTable(ch, 1).grainSector(0)).isZero();
    }
  }

  @Test
  void directoryEntryZeroIsAnEmptyTable() throws Exception {
    Path p = multiTable("z.vmdk").grain(130, 0x44).gdEntry(1, 0).writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    assertThat(e.grainDirectory().tableSector(1)).isZero();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      GrainTable t = e.readGrainTable(ch, 1);
      assertThat(t.size()).isEqualTo(16);
      for (int i = 0; i < t.size(); i++) {
        assertThat(t.grainSector(i)).isZero();
      }
    }
  }

  @Test
  void grainTableEntriesAreUnsigned() throws Exception {
    VmdkFixture f = multiTable("u.vmdk");
    VmdkFixture.Layout l = f.layout();
    byte[] bytes = f.toBytes();
    ByteBuffer.wrap(bytes)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt((int) (l.gtOffset(2) * 512 + 4 * 3), 0x80000001);
    Path p = dir.resolve("u.vmdk");
    Files.write(p, bytes);
    SparseExtent e = SparseExtent.open(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      assertThat(e.readGrainTable(ch, 2).grainSector(3)).isEqualTo(0x80000001L);
    }
  }

  @Test
  void directoryEntriesAreUnsigned() throws Exception {
    Path p = multiTable("u.vmdk").gdEntry(2, 0xfffffff0L).writeTo(dir);
    assertThatThrownBy(() -> SparseExtent.open(p))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("entry 2")
        .hasMessageContaining(Long.toString(0xfffffff0L));
  }

  @Test
  void extentWithoutEmbeddedDescriptor() throws Exception {
    // VMware's split extents carry none: descriptorOffset and descriptorSize are 0.
    Path p =
        multiTable("s-s001.vmdk")
            .header(
                h -> {
                  h.descriptorOffset = 0;
                  h.descriptorSize = 0;
                })
            .writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    assertThat(e.descriptor()).isEmpty();
    assertThat(e.grainDirectory().size()).isEqualTo(8);
  }

  @Test
  void descriptorRewriteCoversOnlyTheChangedText() throws Exception {
    VmdkFixture f = VmdkFixture.base("r.vmdk");
    Path p = f.writeTo(dir);
    SparseExtent e = SparseExtent.open(p);
    Descriptor renamed = e.descriptor().orElseThrow().withExtentFileName(0, "r-000000.vmdk");
    ByteRewrite w = e.descriptorRewrite(renamed);
    assertThat(w.offset()).isEqualTo(512);
    assertThat(w.after()).isEqualTo(renamed.encode());
    assertThat(w.before())
        .isEqualTo(java.util.Arrays.copyOf(f.descriptor(), renamed.encode().length));
    // A rename back to a shorter name NUL-fills what the longer name used.
    Descriptor back = renamed.withExtentFileName(0, "r.vmdk");
    ByteRewrite v = e.descriptorRewrite(back);
    assertThat(v.after()).isEqualTo(back.encode());

    byte[] huge = new byte[20 * 512];
    java.util.Arrays.fill(huge, (byte) 'x');
    Descriptor tooBig =
        e.descriptor()
            .orElseThrow()
            .withExtentFileName(0, new String(huge, StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> e.descriptorRewrite(tooBig))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("does not fit");
  }

  /**
   * qemu writes the CID without leading zeros over a text that had it with them, and leaves the old
   * text's last bytes after the new NUL: a rename and its reverse must give those back.
   */
  @Test
  void deadBytesAfterTheTextComeBackAfterARenameAndItsReverse() throws Exception {
    VmdkFixture f = VmdkFixture.base("r.vmdk");
    Path p = f.writeTo(dir);
    int textEnd = f.descriptor().length;
    poke(p, 512 + textEnd + 1, "\n".getBytes(StandardCharsets.US_ASCII));
    byte[] original = Files.readAllBytes(p);
    SparseExtent e = SparseExtent.open(p);
    Descriptor d = e.descriptor().orElseThrow();

    apply(p, e.descriptorRewrite(d.withExtentFileName(0, "r-000000.vmdk")));
    SparseExtent renamed = SparseExtent.open(p);
    apply(
        p,
        renamed.descriptorRewrite(
            renamed.descriptor().orElseThrow().withExtentFileName(0, "r.vmdk")));

    byte[] restored = Files.readAllBytes(p);
    assertThat(java.util.Arrays.mismatch(restored, original))
        .as("first byte that differs after the rename back (-1: none)")
        .isEqualTo(-1);
  }

  /** A longer text ends with a NUL even where stale bytes lay: they never become its lines. */
  @Test
  void aLongerTextIsTerminatedOverStaleBytes() throws Exception {
    VmdkFixture f = VmdkFixture.base("r.vmdk");
    Path p = f.writeTo(dir);
    int longer = "r-000000.vmdk".length() - "r.vmdk".length();
    byte[] stale = "RW 8 FLAT \"other.vmdk\" 0\n".getBytes(StandardCharsets.US_ASCII);
    poke(p, 512 + f.descriptor().length + longer, stale);
    SparseExtent e = SparseExtent.open(p);
    Descriptor renamed = e.descriptor().orElseThrow().withExtentFileName(0, "r-000000.vmdk");

    apply(p, e.descriptorRewrite(renamed));

    SparseExtent after = SparseExtent.open(p);
    assertThat(after.descriptor().orElseThrow().encode()).isEqualTo(renamed.encode());
    assertThat(after.descriptor().orElseThrow().extents(p)).hasSize(1);
  }

  private static void poke(Path p, long offset, byte[] bytes) throws Exception {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  private static void apply(Path p, ByteRewrite w) throws Exception {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer now = ByteBuffer.allocate(w.before().length);
      ch.read(now, w.offset());
      assertThat(now.array()).as("bytes the rewrite expects").isEqualTo(w.before());
    }
    poke(p, w.offset(), w.after());
  }

  // ---- files made by qemu-img ----

  @Test
  void readsAQemuImgBaseWithDataWrittenByQemuIo() throws Exception {
    ExternalTools.runOk(dir, "qemu-img", "create", "-f", "vmdk", "q.vmdk", "64M");
    // 64 KiB at 1 MiB (sector 2048) and 64 KiB at 40 MiB (second grain table).
    ExternalTools.runOk(dir, "qemu-io", "-f", "vmdk", "-c", "write -P 0xab 1M 64k", "q.vmdk");
    ExternalTools.runOk(dir, "qemu-io", "-f", "vmdk", "-c", "write -P 0x5c 40M 64k", "q.vmdk");
    Path p = dir.resolve("q.vmdk");
    SparseExtent e = SparseExtent.open(p);
    SparseExtentHeader h = e.header();
    assertThat(h.version()).isEqualTo(1);
    assertThat(h.flags()).isEqualTo(3);
    assertThat(h.capacity()).isEqualTo(64L * 2048);
    assertThat(h.grainSize()).isEqualTo(128);
    assertThat(h.numGTEsPerGT()).isEqualTo(512);
    assertThat(h.descriptorOffset()).isEqualTo(1);
    assertThat(h.descriptorSize()).isEqualTo(20);
    assertThat(h.rgdOffset()).isEqualTo(21);
    assertThat(h.uncleanShutdown()).isFalse();
    assertThat(e.descriptor().orElseThrow().createType()).isEqualTo("monolithicSparse");
    assertThat(e.descriptor().orElseThrow().extents(p).get(0).rawFileName()).isEqualTo("q.vmdk");
    assertThat(e.grainDirectory().size()).isEqualTo(2);
    GrainDirectory rgd = e.redundantGrainDirectory().orElseThrow();
    for (int i = 0; i < 2; i++) {
      assertThat(e.grainDirectory().tableSector(i)).isGreaterThan(h.gdOffset());
      assertThat(rgd.tableSector(i)).isGreaterThan(h.rgdOffset()).isLessThan(h.gdOffset());
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      assertGrain(e, ch, 2048, (byte) 0xab);
      assertGrain(e, ch, 40 * 2048, (byte) 0x5c);
      assertThat(e.readGrainTable(ch, 0).grainSector(0)).as("never written").isZero();
    }
  }

  private static void assertGrain(SparseExtent e, FileChannel ch, long sector, byte expected)
      throws Exception {
    SparseExtentHeader h = e.header();
    int table = (int) (sector / h.sectorsPerGrainTable());
    int entry = (int) (sector / h.grainSize() % h.numGTEsPerGT());
    long grain = e.readGrainTable(ch, table).grainSector(entry);
    assertThat(grain).as("grain of sector %d", sector).isGreaterThanOrEqualTo(h.overHead());
    ByteBuffer data = ByteBuffer.allocate((int) h.grainSizeBytes());
    ch.read(data, grain * 512);
    for (byte b : data.array()) {
      assertThat(b).isEqualTo(expected);
    }
  }

  @Test
  void qemuImgOneGibLayout() throws Exception {
    ExternalTools.runOk(dir, "qemu-img", "create", "-f", "vmdk", "g.vmdk", "1G");
    SparseExtent e = SparseExtent.open(dir.resolve("g.vmdk"));
    assertThat(e.header().gdOffset()).isEqualTo(150);
    assertThat(e.header().overHead()).isEqualTo(384);
    assertThat(e.grainDirectory().size()).isEqualTo(32);
    // qemu preallocates the tables right after each directory, back to back.
    GrainDirectory rgd = e.redundantGrainDirectory().orElseThrow();
    for (int i = 0; i < 32; i++) {
      assertThat(rgd.tableSector(i)).isEqualTo(22 + 4L * i);
      assertThat(e.grainDirectory().tableSector(i)).isEqualTo(151 + 4L * i);
    }
  }

  @Test
  void readsAQemuImgDelta() throws Exception {
    ExternalTools.runOk(dir, "qemu-img", "create", "-f", "vmdk", "b.vmdk", "8M");
    ExternalTools.runOk(
        dir, "qemu-img", "create", "-f", "vmdk", "-b", "b.vmdk", "-F", "vmdk", "c.vmdk");
    Descriptor base = SparseExtent.open(dir.resolve("b.vmdk")).descriptor().orElseThrow();
    Descriptor delta = SparseExtent.open(dir.resolve("c.vmdk")).descriptor().orElseThrow();
    assertThat(delta.parentFileNameHintRaw()).contains("b.vmdk");
    assertThat(delta.parentCid(dir)).contains(base.cid(dir));
    assertThat(base.parentCid(dir)).contains(ContentId.NO_PARENT);
  }

  @Test
  void qemuImgStreamOptimizedIsUnsupported() throws Exception {
    ExternalTools.runOk(dir, "qemu-img", "create", "-f", "vmdk", "b.vmdk", "8M");
    ExternalTools.runOk(
        dir,
        "qemu-img",
        "convert",
        "-O",
        "vmdk",
        "-o",
        "subformat=streamOptimized",
        "b.vmdk",
        "s.vmdk");
    // qemu-img 7.2 writes version 3, flags 0x30003, compressAlgorithm 1 but a real gdOffset in
    // the header: the extent's metadata reads, and the header says what it is.
    Path s = dir.resolve("s.vmdk");
    SparseExtentHeader h = SparseExtent.open(s).header();
    assertThat(h.version()).isEqualTo(3);
    assertThat(h.flags()).isEqualTo(0x30003);
    assertThat(h.compressAlgorithm()).isEqualTo(1);
    assertThat(h.isStreamOptimized()).isTrue();
    // A disk of it is refused as unsupported.
    assertThatThrownBy(() -> io.github.vmdkdelta.chain.DiskChain.open(s))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("streamOptimized");
  }

  @Test
  void qemuImgTextDescriptorsAreUnsupported() throws Exception {
    ExternalTools.runOk(
        dir, "qemu-img", "create", "-f", "vmdk", "-o", "subformat=monolithicFlat", "f.vmdk", "1M");
    ExternalTools.runOk(
        dir,
        "qemu-img",
        "create",
        "-f",
        "vmdk",
        "-o",
        "subformat=twoGbMaxExtentSparse",
        "t.vmdk",
        "1M");
    for (String name : new String[] {"f.vmdk", "t.vmdk"}) {
      assertThatThrownBy(() -> SparseExtent.open(dir.resolve(name)))
          .as(name + " (%d bytes)", Files.size(dir.resolve(name)))
          .isInstanceOf(UnsupportedImageException.class)
          .hasMessageContaining("text descriptor");
    }
  }
}
