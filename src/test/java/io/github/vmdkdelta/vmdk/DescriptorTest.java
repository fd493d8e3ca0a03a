package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DescriptorTest {
  private static final Path FILE = Path.of("d.vmdk");

  /** What qemu-img 7.2 writes for a delta (docs/vmdk-format.md, section 3). */
  private static final String QEMU_DELTA =
      """
      # Disk DescriptorFile
      version=1
      CID=5706a491
      parentCID=8a433691
      createType="monolithicSparse"
      parentFileNameHint="b1g.vmdk"
      # Extent description
      RW 2097152 SPARSE "c.vmdk"

      # The Disk Data Base
      #DDB

      ddb.virtualHWVersion = "4"
      ddb.geometry.cylinders = "2080"
      ddb.geometry.heads = "16"
      ddb.geometry.sectors = "63"
      ddb.adapterType = "ide"
      ddb.toolsVersion = "2147483647"
      """;

  private static Descriptor parse(String text) throws VmdkException {
    return Descriptor.parse(text.getBytes(StandardCharsets.ISO_8859_1), FILE);
  }

  private static String encoded(Descriptor d) {
    return new String(d.encode(), StandardCharsets.ISO_8859_1);
  }

  static Stream<Arguments> untouched() {
    String crlf = QEMU_DELTA.replace("\n", "\r\n");
    StringBuilder mixed = new StringBuilder();
    String[] lines = QEMU_DELTA.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      mixed.append(lines[i]);
      if (i < lines.length - 1) {
        mixed.append(i % 2 == 0 ? "\r\n" : "\n");
      }
    }
    return Stream.of(
        Arguments.of("qemu LF", QEMU_DELTA),
        Arguments.of("CRLF", crlf),
        Arguments.of("mixed LF and CRLF", mixed.toString()),
        Arguments.of("no trailing newline", QEMU_DELTA.stripTrailing()),
        Arguments.of("no trailing newline, CRLF", crlf.stripTrailing()),
        Arguments.of(
            "comments, blanks, spacing, unknown keys, quoted and unquoted",
            """
            # Disk DescriptorFile
              # an indented comment
            version = 1
            encoding="UTF-8"
            CID = 0000abcd   # trailing comment
            parentCID=ffffffff
            isNativeSnapshot="no"
            createType = "monolithicSparse" # type
            someVendor.key=unquoted value
            \t
            # Extent description
            RW 4192256 SPARSE "disk # not a comment.vmdk"

            #DDB
            ddb.uuid = "60 00 C2 9a 4b 2c 11 d3-8e 0a 7e 14 55 b5 96 4c"
            ddb.longContentID = "0123456789abcdef0123456789abcdef"
            ddb.comment = "a # inside quotes" # outside
            ddb.empty = ""
            """),
        Arguments.of("trailing spaces and tabs", QEMU_DELTA.replace("\n", " \t\n")),
        Arguments.of(
            "bytes above 0x7f (windows-1252 name)",
            "# Disk DescriptorFile\nencoding=\"windows-1252\"\nCID=1\ncreateType=\"monolithicSparse\"\n"
                + "RW 8 SPARSE \"caf\u00e9.vmdk\"\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("untouched")
  void untouchedDescriptorRoundTripsByteForByte(String name, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    Descriptor d = Descriptor.parse(bytes, FILE);
    assertThat(d.encode()).isEqualTo(bytes);
    assertThat(String.join("", d.lines())).isEqualTo(text);
  }

  @Test
  void linesKeepTheirTerminators() throws Exception {
    Descriptor d = parse("# Disk DescriptorFile\r\nCID=1\ncreateType=\"x\"");
    assertThat(d.lines())
        .containsExactly("# Disk DescriptorFile\r\n", "CID=1\n", "createType=\"x\"");
  }

  @Test
  void readsValuesQuotedUnquotedAndWithComments() throws Exception {
    Descriptor d =
        parse(
            """
            # Disk DescriptorFile
            CID = 0000abcd   # trailing comment
            createType = "monolithicSparse" # type
            parentFileNameHint="p # q.vmdk"
            someVendor.key=unquoted value
            ddb.comment = "a # inside quotes" # outside
            """);
    assertThat(d.get("CID")).contains("0000abcd");
    assertThat(d.cid(FILE)).isEqualTo(new ContentId(0xabcd));
    assertThat(d.createType()).isEqualTo("monolithicSparse");
    assertThat(d.parentFileNameHintRaw()).contains("p # q.vmdk");
    assertThat(d.get("someVendor.key")).contains("unquoted value");
    assertThat(d.get("ddb.comment")).contains("a # inside quotes");
    assertThat(d.get("cid")).as("keys are compared exactly").isEmpty();
    assertThat(d.get("missing")).isEmpty();
    assertThat(d.parentCid(FILE)).isEmpty();
  }

  @Test
  void qemuDeltaValues() throws Exception {
    Descriptor d = parse(QEMU_DELTA);
    assertThat(d.cid(FILE)).isEqualTo(new ContentId(0x5706a491));
    assertThat(d.parentCid(FILE)).contains(new ContentId(0x8a433691));
    assertThat(d.parentFileNameHintRaw()).contains("b1g.vmdk");
    assertThat(d.extents(FILE))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.access()).isEqualTo("RW");
              assertThat(e.sectors()).isEqualTo(2097152);
              assertThat(e.type()).isEqualTo("SPARSE");
              assertThat(e.rawFileName()).isEqualTo("c.vmdk");
              assertThat(e.offset()).isEmpty();
            });
    assertThat(d.ddbLines())
        .containsExactly(
            "ddb.virtualHWVersion = \"4\"\n",
            "ddb.geometry.cylinders = \"2080\"\n",
            "ddb.geometry.heads = \"16\"\n",
            "ddb.geometry.sectors = \"63\"\n",
            "ddb.adapterType = \"ide\"\n",
            "ddb.toolsVersion = \"2147483647\"\n");
  }

  /** Asserts that {@code after} differs from {@code before} in exactly line {@code index}. */
  private static void assertOnlyLineChanged(
      Descriptor before, Descriptor after, int index, String expectedLine) {
    List<String> b = before.lines();
    List<String> a = after.lines();
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < b.size(); i++) {
      if (i == index) {
        assertThat(a.get(i)).isEqualTo(expectedLine);
      } else {
        assertThat(a.get(i)).as("line %d", i).isEqualTo(b.get(i));
      }
    }
  }

  @Test
  void withChangesOneValueOnOneLineUnquoted() throws Exception {
    Descriptor d =
        parse(QEMU_DELTA.replace("\n", "\r\n").replace("CID=5706a491", "CID=5706a491 # c"));
    Descriptor e = d.with("CID", "deadbeef");
    assertOnlyLineChanged(d, e, 2, "CID=deadbeef # c\r\n");
    assertThat(e.cid(FILE)).isEqualTo(new ContentId(0xdeadbeef));
    assertThat(e.parentCid(FILE)).as("parentCID untouched").contains(new ContentId(0x8a433691));
    assertThat(d.cid(FILE)).as("the original is unchanged").isEqualTo(new ContentId(0x5706a491));
  }

  @Test
  void withKeepsQuotesSpacingAndComment() throws Exception {
    String text =
        "# Disk DescriptorFile\nCID=1\ncreateType=\"monolithicSparse\"\n"
            + "ddb.uuid  =   \"aa bb\"   # keep me\n";
    Descriptor d = parse(text);
    assertOnlyLineChanged(
        d, d.with("ddb.uuid", "cc dd"), 3, "ddb.uuid  =   \"cc dd\"   # keep me\n");
  }

  @Test
  void withOnlyTouchesTheKeyNotLinesContainingIt() throws Exception {
    // "CID" is a substring of "parentCID": only the exact key changes.
    Descriptor d = parse(QEMU_DELTA);
    Descriptor e = d.with("parentCID", "00000001");
    assertOnlyLineChanged(d, e, 3, "parentCID=00000001\n");
    // A value that also appears earlier in the line (here the key's own text) is not confused.
    Descriptor f = parse("# Disk DescriptorFile\nCID=1\ncreateType=\"createType\"\n");
    assertOnlyLineChanged(f, f.with("createType", "x"), 2, "createType=\"x\"\n");
  }

  @Test
  void withUnknownKeyIsRefused() throws Exception {
    Descriptor d = parse(QEMU_DELTA);
    assertThatThrownBy(() -> d.with("nope", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withExtentFileNameChangesOnlyTheQuotedName() throws Exception {
    String text =
        "# Disk DescriptorFile\r\nCID=1\r\ncreateType=\"twoGbMaxExtentFlat\"\r\n"
            + "RW 100 FLAT \"a-f001.vmdk\" 0\r\n"
            + "RDONLY  200\tFLAT \"a-f002.vmdk\" 17 # second\r\n";
    Descriptor d = parse(text);
    Descriptor e = d.withExtentFileName(1, "b c.vmdk");
    assertOnlyLineChanged(d, e, 4, "RDONLY  200\tFLAT \"b c.vmdk\" 17 # second\r\n");
    assertThat(e.extents(FILE).get(1).rawFileName()).isEqualTo("b c.vmdk");
    assertThat(e.extents(FILE).get(1).offset()).hasValue(17);
    assertThat(e.extents(FILE).get(0)).isEqualTo(d.extents(FILE).get(0));
    assertThatThrownBy(() -> d.withExtentFileName(2, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withExtentFileNameOnQemuText() throws Exception {
    Descriptor d = parse(QEMU_DELTA);
    Descriptor e = d.withExtentFileName(0, "c-000000.vmdk");
    assertOnlyLineChanged(d, e, 7, "RW 2097152 SPARSE \"c-000000.vmdk\"\n");
    assertThat(e.encode().length).isEqualTo(d.encode().length + "-000000".length());
  }

  static Stream<Arguments> refused() {
    String base = "# Disk DescriptorFile\nCID=1234abcd\ncreateType=\"monolithicSparse\"\n";
    return Stream.of(
        Arguments.of("missing CID", base.replace("CID=1234abcd\n", ""), "missing CID"),
        Arguments.of("duplicate CID", base + "CID=1234abcd\n", "CID entry appears 2 times"),
        Arguments.of(
            "missing createType",
            base.replace("createType=\"monolithicSparse\"\n", ""),
            "missing createType"),
        Arguments.of(
            "duplicate createType",
            base + "createType=\"monolithicFlat\"\n",
            "createType entry appears 2 times"),
        Arguments.of("duplicate parentCID", base + "parentCID=1\nparentCID=2\n", "parentCID"),
        Arguments.of("bad CID hex", base.replace("1234abcd", "1234abcg"), "1234abcg"),
        Arguments.of("CID too long", base.replace("1234abcd", "1234abcd0"), "not 8 hex digits"),
        Arguments.of("empty CID", base.replace("1234abcd", ""), "not 8 hex digits"),
        Arguments.of("bad parentCID", base + "parentCID=xyz\n", "parentCID"),
        Arguments.of("no DescriptorFile line", base.substring(base.indexOf('\n') + 1), "Disk"),
        Arguments.of("malformed extent", base + "RW many SPARSE \"x.vmdk\"\n", "extent"),
        Arguments.of("unterminated extent name", base + "RW 8 SPARSE \"x.vmdk\n", "extent"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedDescriptorsAreCorrupt(String name, String text, String fragment) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageStartingWith("d.vmdk: descriptor: ")
        .hasMessageContaining(fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Shift_JIS", "GBK", "UTF-8", "windows-1252"})
  void declaredEncodingDecodesFileNames(String charsetName) throws Exception {
    Charset cs = Charset.forName(charsetName);
    String name =
        switch (charsetName) {
          case "Shift_JIS" -> "仮想ディスク-ソ表.vmdk"; // ソ and 表 end in byte 0x5c
          case "GBK" -> "虚拟磁盘-淺数据.vmdk"; // 淺 ends in byte 0x5c
          case "windows-1252" -> "Café-Übung.vmdk";
          default -> "диск-☃.vmdk";
        };
    String text =
        "# Disk DescriptorFile\nversion=1\nencoding=\""
            + charsetName
            + "\"\nCID=1\nparentCID=2\ncreateType=\"monolithicSparse\"\nparentFileNameHint=\""
            + name
            + "\"\nRW 8 SPARSE \""
            + name
            + "\"\n";
    byte[] bytes = text.getBytes(cs);
    Descriptor d = Descriptor.parse(bytes, FILE);
    assertThat(d.encode()).isEqualTo(bytes);
    // VMware's Shift_JIS is Windows code page 932 (windows-31j), a superset of Java's Shift_JIS.
    Charset expected = charsetName.equals("Shift_JIS") ? Charset.forName("windows-31j") : cs;
    assertThat(d.fileNameCharset(FILE)).isEqualTo(expected);
    String raw = d.parentFileNameHintRaw().orElseThrow();
    assertThat(raw.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(name.getBytes(cs));
    assertThat(Descriptor.decodeName(raw, d.fileNameCharset(FILE))).isEqualTo(name);
    assertThat(Descriptor.decodeName(d.extents(FILE).get(0).rawFileName(), cs)).isEqualTo(name);
    assertThat(Descriptor.encodeName(name, cs, FILE)).isEqualTo(raw);
  }

  @Test
  void shiftJisIsReadAsWindowsCodePage932AsVmwareWritesIt() throws Exception {
    // VMware on Japanese Windows declares "Shift_JIS" and writes cp932: ～ (U+FF5E) is 0x81 0x60,
    // which Java's Shift_JIS reads as U+301C, and ① (0x87 0x40) it cannot read at all.
    String name = "バックアップ～①.vmdk";
    Charset cp932 = Charset.forName("windows-31j");
    byte[] text =
        ("# Disk DescriptorFile\nversion=1\nencoding=\"Shift_JIS\"\nCID=1\n"
                + "createType=\"monolithicSparse\"\nRW 8 SPARSE \""
                + name
                + "\"\n")
            .getBytes(cp932);
    Descriptor d = Descriptor.parse(text, FILE);
    String raw = d.extents(FILE).get(0).rawFileName();
    assertThat(Descriptor.decodeName(raw, d.fileNameCharset(FILE))).isEqualTo(name);
    assertThat(Descriptor.encodeName(name, d.fileNameCharset(FILE), FILE)).isEqualTo(raw);
  }

  @Test
  void noEncodingMeansUtf8() throws Exception {
    Descriptor d = parse(QEMU_DELTA);
    assertThat(d.fileNameCharset(FILE)).isEqualTo(StandardCharsets.UTF_8);
  }

  @Test
  void unknownEncodingIsUnsupported() throws Exception {
    Descriptor d = parse(QEMU_DELTA.replace("version=1\n", "version=1\nencoding=\"x-no-such\"\n"));
    assertThatThrownBy(() -> d.fileNameCharset(FILE))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("x-no-such");
  }

  @Test
  void namesTheCharsetCannotHoldAreRefused() {
    assertThatThrownBy(
            () -> Descriptor.encodeName("ディスク.vmdk", Charset.forName("windows-1252"), FILE))
        .isInstanceOf(UnsupportedImageException.class);
    assertThatThrownBy(() -> Descriptor.encodeName("a\"b.vmdk", StandardCharsets.UTF_8, FILE))
        .isInstanceOf(UnsupportedImageException.class);
  }
}
