package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.VmdkFixture;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SparseExtentHeaderTest {
  private static final Path FILE = Path.of("h.vmdk");

  private static byte[] headerBytes(VmdkFixture f) {
    return f.headerFields().toBytes();
  }

  private static SparseExtentHeader parse(byte[] bytes) throws VmdkException {
    return SparseExtentHeader.parse(ByteBuffer.wrap(bytes), FILE);
  }

  @Test
  void parsesEveryFieldLittleEndianWithSixtyFourBitSectorFields() throws Exception {
    // Distinct values per field, with bits above 32 set in the 64-bit ones, so that a field read
    // at the wrong offset or with the wrong width cannot pass.
    byte[] bytes =
        headerBytes(
            VmdkFixture.base("h.vmdk")
                .header(
                    h -> {
                      h.version = 2;
                      h.flags = 0x7;
                      h.capacity = 1L << 32;
                      h.grainSize = 0x100;
                      h.descriptorOffset = 0x2_0000_0001L;
                      h.descriptorSize = 0x7ff;
                      h.numGTEsPerGT = 0x1ff;
                      h.rgdOffset = 0x3_0000_0015L;
                      h.gdOffset = 0x4_0000_0096L;
                      h.overHead = 0x5_0000_0180L;
                      h.uncleanShutdown = 1;
                      h.compressAlgorithm = 0;
                    }));
    SparseExtentHeader h = parse(bytes);
    assertThat(h.version()).isEqualTo(2);
    assertThat(h.flags()).isEqualTo(7);
    assertThat(h.capacity()).isEqualTo(1L << 32);
    assertThat(h.grainSize()).isEqualTo(0x100);
    assertThat(h.descriptorOffset()).isEqualTo(0x2_0000_0001L);
    assertThat(h.descriptorSize()).isEqualTo(0x7ff);
    assertThat(h.numGTEsPerGT()).isEqualTo(0x1ff);
    assertThat(h.rgdOffset()).isEqualTo(0x3_0000_0015L);
    assertThat(h.gdOffset()).isEqualTo(0x4_0000_0096L);
    assertThat(h.overHead()).isEqualTo(0x5_0000_0180L);
    assertThat(h.uncleanShutdown()).isTrue();
    assertThat(h.newlineCheck()).isEqualTo(0x0a0d200a);
    assertThat(h.compressAlgorithm()).isZero();
    assertThat(h.hasRedundantGrainDirectory()).isTrue();
    assertThat(h.hasZeroedGrainEntries()).isTrue();
    assertThat(h.isStreamOptimized()).isFalse();
  }

  @Test
  void qemuDefaultsParse() throws Exception {
    VmdkFixture f = VmdkFixture.base("h.vmdk").capacitySectors(2097152);
    SparseExtentHeader h = parse(headerBytes(f));
    assertThat(h.version()).isEqualTo(1);
    assertThat(h.flags()).isEqualTo(3);
    assertThat(h.grainSize()).isEqualTo(128);
    assertThat(h.descriptorOffset()).isEqualTo(1);
    assertThat(h.descriptorSize()).isEqualTo(20);
    assertThat(h.numGTEsPerGT()).isEqualTo(512);
    assertThat(h.rgdOffset()).isEqualTo(21);
    assertThat(h.gdOffset()).isEqualTo(150);
    assertThat(h.overHead()).isEqualTo(384);
    assertThat(h.uncleanShutdown()).isFalse();
    assertThat(h.isStreamOptimized()).isFalse();
    assertThat(h.hasZeroedGrainEntries()).isFalse();
  }

  @Test
  void unsignedSixteenBitCompressAlgorithm() throws Exception {
    SparseExtentHeader h =
        parse(headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.compressAlgorithm = 0xfffe)));
    assertThat(h.compressAlgorithm()).isEqualTo(0xfffe);
    assertThat(h.isStreamOptimized()).isTrue();
  }

  @Test
  void thirtyTwoBitFieldsAbove2To31AreReportedUnsigned() {
    assertThatThrownBy(
            () ->
                parse(headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.version = 0x80000001))))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("2147483649");
    assertThatThrownBy(
            () ->
                parse(
                    headerBytes(
                        VmdkFixture.base("h.vmdk").header(x -> x.numGTEsPerGT = 0x80000000))))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("2147483648");
  }

  @Test
  void sixtyFourBitFieldsWithHighBitAreRefusedNotWrapped() {
    assertThatThrownBy(
            () -> parse(headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.capacity = -2L))))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining(Long.toUnsignedString(-2L));
    assertThatThrownBy(
            () -> parse(headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.grainSize = -128L))))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining(Long.toUnsignedString(-128L));
  }

  @Test
  void newlineBytesAreCheckedOnlyWhenFlagBitZeroIsSet() throws Exception {
    byte[] damaged = {'\n', ' ', '\n', 0};
    SparseExtentHeader h =
        parse(
            headerBytes(
                VmdkFixture.base("h.vmdk")
                    .header(
                        x -> {
                          x.flags = SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE;
                          x.newlineBytes = damaged;
                        })));
    assertThat(h.newlineCheck()).isEqualTo(0x000a200a);
    assertThatThrownBy(
            () ->
                parse(
                    headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.newlineBytes = damaged))))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("newline");
  }

  @Test
  void anyNonZeroUncleanShutdownByteIsSet() throws Exception {
    assertThat(
            parse(
                    headerBytes(
                        VmdkFixture.base("h.vmdk").header(x -> x.uncleanShutdown = (byte) 0x80)))
                .uncleanShutdown())
        .isTrue();
  }

  @Test
  void readsFromTheStartOfALargerBuffer() throws Exception {
    byte[] file = VmdkFixture.base("h.vmdk").cid(7).toBytes();
    SparseExtentHeader fromFile = parse(file);
    SparseExtentHeader fromHeader = parse(Arrays.copyOf(file, 512));
    assertThat(fromFile).isEqualTo(fromHeader);
  }

  @Test
  void writeToReproducesTheFixtureBytes() throws Exception {
    byte[] bytes =
        headerBytes(
            VmdkFixture.base("h.vmdk")
                .capacitySectors(123_456)
                .grainSize(64)
                .numGTEsPerGT(256)
                .header(
                    h -> {
                      h.uncleanShutdown = 1;
                      h.flags = 1;
                    }));
    ByteBuffer out = ByteBuffer.allocate(512);
    // Dirty the buffer first: writeTo must zero the pad itself.
    Arrays.fill(out.array(), (byte) 0x5a);
    parse(bytes).writeTo(out);
    assertThat(out.array()).isEqualTo(bytes);
  }

  @Test
  void recordWriteToParseRoundTrip() throws Exception {
    SparseExtentHeader h =
        new SparseExtentHeader(
            3,
            SparseExtentHeader.FLAG_VALID_NEWLINE_TEST
                | SparseExtentHeader.FLAG_COMPRESSED
                | SparseExtentHeader.FLAG_MARKERS,
            1L << 32,
            0x200000,
            1,
            2048,
            512,
            0,
            SparseExtentHeader.GD_AT_END,
            0x1_0000_0000L,
            true,
            SparseExtentHeader.NEWLINE_CHECK_BYTES,
            1);
    ByteBuffer b = ByteBuffer.allocate(512);
    h.writeTo(b);
    assertThat(parse(b.array())).isEqualTo(h);
    assertThat(parse(b.array()).isStreamOptimized()).isTrue();
    // And what it wrote is what the independent fixture writes for the same values.
    byte[] expected =
        headerBytes(
            VmdkFixture.base("h.vmdk")
                .header(
                    x -> {
                      x.version = 3;
                      x.flags = 0x30001;
                      x.capacity = 1L << 32;
                      x.grainSize = 0x200000;
                      x.descriptorOffset = 1;
                      x.descriptorSize = 2048;
                      x.numGTEsPerGT = 512;
                      x.rgdOffset = 0;
                      x.gdOffset = -1L;
                      x.overHead = 0x1_0000_0000L;
                      x.uncleanShutdown = 1;
                      x.compressAlgorithm = 1;
                    }));
    assertThat(b.array()).isEqualTo(expected);
  }

  /**
   * Layouts observed in files made by {@code qemu-img create -f vmdk} 7.2 (header dumped with a
   * script): the redundant directory at 21, then the GD offset and overHead listed here.
   */
  @ParameterizedTest(name = "{0} sectors: {1} GD entries, gdOffset {4}, overHead {5}")
  @CsvSource({
    // capacity, GD entries, GD sectors, GT sectors, gdOffset, overHead
    "2097152,      32,   1, 4,    150,    384", // 1G
    "2147483648, 32768, 256, 4, 131349, 262784", // 1T
    "4294967296, 65536, 512, 4, 262677, 525440", // 2T
    "1,              1,   1, 4,     26,    128", // 512 (bytes)
    "65536,          1,   1, 4,     26,    128", // 32M: exactly one grain table
    "67584,          2,   1, 4,     30,    128", // 33M: a second table
  })
  void derivedValuesMatchQemuLayouts(
      long capacity, long gdEntries, long gdSectors, long gtSectors, long gdOffset, long overHead)
      throws Exception {
    SparseExtentHeader h =
        parse(headerBytes(VmdkFixture.base("h.vmdk").header(x -> x.capacity = capacity)));
    assertThat(h.capacityBytes()).isEqualTo(capacity * 512);
    assertThat(h.grainSizeBytes()).isEqualTo(65536);
    assertThat(h.sectorsPerGrainTable()).isEqualTo(65536);
    assertThat(h.grainDirectoryEntries()).isEqualTo(gdEntries);
    assertThat(h.grainDirectorySectors()).isEqualTo(gdSectors);
    assertThat(h.grainTableSectors()).isEqualTo(gtSectors);
    long rgdOffset = 21;
    long computedGd = rgdOffset + h.grainDirectorySectors() + gdEntries * h.grainTableSectors();
    assertThat(computedGd).isEqualTo(gdOffset);
    long end = computedGd + h.grainDirectorySectors() + gdEntries * h.grainTableSectors();
    assertThat((end + h.grainSize() - 1) / h.grainSize() * h.grainSize()).isEqualTo(overHead);
  }

  @Test
  void smallGeometryDerivedValues() throws Exception {
    // grainSize 8, 100 entries per table: a table covers 800 sectors, takes 400 bytes = 1 sector.
    SparseExtentHeader h =
        parse(
            headerBytes(
                VmdkFixture.base("h.vmdk").capacitySectors(8001).grainSize(8).numGTEsPerGT(100)));
    assertThat(h.sectorsPerGrainTable()).isEqualTo(800);
    assertThat(h.grainDirectoryEntries()).isEqualTo(11);
    assertThat(h.grainTableSectors()).isEqualTo(1);
    assertThat(h.grainDirectorySectors()).isEqualTo(1);
    assertThat(h.grainSizeBytes()).isEqualTo(4096);
  }

  @Test
  void shortBufferWithTheMagicIsCorrupt() {
    byte[] start = Arrays.copyOf(VmdkFixture.base("h.vmdk").toBytes(), 511);
    assertThatThrownBy(() -> parse(start))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("h.vmdk")
        .hasMessageContaining("511 bytes");
    assertThatThrownBy(() -> parse(new byte[] {'K', 'D', 'M'}))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("3 bytes");
    assertThatThrownBy(() -> parse(new byte[0]))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("0 bytes");
  }

  @Test
  void shortTextDescriptorIsUnsupportedNotCorrupt() {
    byte[] text =
        "# Disk DescriptorFile\nversion=1\nCID=1\ncreateType=\"monolithicFlat\"\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(text.length).isLessThan(512);
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("text descriptor");
  }

  @Test
  void shortGarbageIsCorruptWithTheMagicInTheMessage() {
    assertThatThrownBy(() -> parse(new byte[] {1, 2, 3, 4, 5}))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("wrong magic number (0x04030201");
  }

  @ParameterizedTest
  @CsvSource({
    "0, CORRUPT",
    "1, OK",
    "3, OK",
    "4, UNSUPPORTED",
    "2147483647, UNSUPPORTED",
    "-2147483647, UNSUPPORTED",
    "-1, UNSUPPORTED"
  })
  void versionRange(int version, String expected) {
    byte[] bytes = headerBytes(VmdkFixture.base("h.vmdk").header(h -> h.version = version));
    switch (expected) {
      case "OK" -> assertThatCode(() -> parse(bytes)).doesNotThrowAnyException();
      case "CORRUPT" ->
          assertThatThrownBy(() -> parse(bytes))
              .isInstanceOf(CorruptImageException.class)
              .hasMessageContaining("invalid version (0");
      default ->
          assertThatThrownBy(() -> parse(bytes))
              .isInstanceOf(UnsupportedImageException.class)
              .hasMessageContaining("unknown version (" + Integer.toUnsignedString(version));
    }
  }
}
