package io.github.vmdkdelta.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every parsing case of VmxFile, on files built here byte by byte. */
class VmxFileTest {
  @TempDir Path dir;

  private static final Path FILE = Path.of("VM.vmx");

  private static VmxFile parse(String text) throws IOException {
    return VmxFile.parse(text.getBytes(StandardCharsets.UTF_8), FILE);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void keysCompareInAnyCaseAndKeepTheirSpelling() throws IOException {
    VmxFile f = parse("SCSI0:0.FileNAME = \"a.vmdk\"\nscsi0:0.PRESENT = \"true\"\n");
    assertThat(f.get("scsi0:0.fileName")).contains("a.vmdk");
    assertThat(f.get("Scsi0:0.Present")).contains("true");
    assertThat(f.entries())
        .extracting(VmxFile.Entry::key)
        .containsExactly("SCSI0:0.FileNAME", "scsi0:0.PRESENT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r"})
  void linesEndAtLfCrlfOrALoneCr(String end) throws IOException {
    String name = end.replace("\r", "CR").replace("\n", "LF");
    VmxFile f = parse("a = \"1\"" + end + end + "b = \"2\"" + end + "c = \"3\"");
    assertThat(f.entries())
        .extracting(VmxFile.Entry::line, VmxFile.Entry::key, VmxFile.Entry::value)
        .as(name)
        .containsExactly(tuple(1, "a", "1"), tuple(3, "b", "2"), tuple(4, "c", "3"));
    assertThat(f.brokenLines()).isEmpty();
  }

  @Test
  void theVmwareFirstLineCommentsAndBlankLinesAreNoEntriesAndNotBroken() throws IOException {
    VmxFile f =
        parse(
            "#!/usr/bin/vmware\n# a comment = \"x\"\n   \n\t# indented comment\n"
                + "a = \"1\" # after\n");
    assertThat(f.entries()).extracting(VmxFile.Entry::key).containsExactly("a");
    assertThat(f.get("a")).contains("1");
    assertThat(f.brokenLines()).isEmpty();
  }

  @Test
  void unquotedAndEmptyValuesAsVmwareReadsThem() throws IOException {
    VmxFile f =
        parse(
            "a = TRUE # comment\nb =\nc = # only a comment\nd = \"x # not a comment\"\n"
                + "\te\t=\t\"tabs\"\t\nf=\"\"\n");
    assertThat(f.get("a")).contains("TRUE");
    assertThat(f.get("b")).contains("");
    assertThat(f.get("c")).contains("");
    assertThat(f.get("d")).contains("x # not a comment");
    assertThat(f.get("e")).contains("tabs");
    assertThat(f.get("f")).contains("");
  }

  @Test
  void barHexEscapesAreDecodedAsVmwareEscapeUndoDoes() throws IOException {
    VmxFile f =
        parse(
            "q = \"say |22hi|22\"\nbar = \"a|7Cb|7cc\"\nnl = \"x|0Ay\"\n"
                + "notHex = \"|zz and |2x and ||22\"\nend = \"tail|2\"\n");
    assertThat(f.get("q")).contains("say \"hi\"");
    assertThat(f.get("bar")).contains("a|b|c");
    assertThat(f.get("nl")).contains("x\ny");
    // Escape_Undo does not look again at the byte after "|" + non-hex, nor after "|" + hex +
    // non-hex
    assertThat(f.get("notHex")).contains("|zz and |2x and ||22");
    assertThat(f.get("end")).contains("tail|2");
    assertThat(VmxFile.unescape(ascii("|2|22"))).isEqualTo(ascii("|2|22"));
  }

  @Test
  void backslashesAreLiteralNotEscapes() throws IOException {
    VmxFile f = parse("sata0:1.fileName = \"I:\\new\\table\\x.iso\"\nb = \"C:\\\\\"\n");
    assertThat(f.get("sata0:1.fileName")).contains("I:\\new\\table\\x.iso");
    assertThat(f.get("b")).contains("C:\\\\");
  }

  @Test
  void aRepeatedNameKeepsEveryLineAndGetGivesTheLast() throws IOException {
    VmxFile f = parse("msg.autoanswer = \"true\"\nx = \"1\"\nmsg.autoAnswer = \"false\"\n");
    assertThat(f.get("msg.autoAnswer")).contains("false");
    assertThat(f.all("MSG.AUTOANSWER"))
        .extracting(VmxFile.Entry::line, VmxFile.Entry::key)
        .containsExactly(tuple(1, "msg.autoanswer"), tuple(3, "msg.autoAnswer"));
  }

  @Test
  void anUnterminatedQuoteIsReportedWithItsLineAndDoesNotSwallowTheNext() throws IOException {
    VmxFile f = parse("displayName = \"half\nscsi0:0.fileName = \"a.vmdk\"\nz = \"1\"\n");
    assertThat(f.brokenLines())
        .extracting(VmxFile.BrokenLine::line, VmxFile.BrokenLine::key)
        .containsExactly(tuple(1, "displayName"));
    assertThat(f.brokenLines().get(0).problem()).isEqualTo("the value has no closing quote");
    assertThat(f.get("scsi0:0.fileName")).contains("a.vmdk");
    assertThat(f.get("displayName")).isEmpty();
  }

  @Test
  void otherLinesVmwareWouldNotReadAreBrokenWithTheirReason() throws IOException {
    VmxFile f =
        parse(
            "ok = \"1\"\nnoEquals \"x\"\n= \"nameless\"\nafter = \"v\" junk\nscsi0:0.fileName = \"a.vmdk\n");
    assertThat(f.brokenLines())
        .extracting(
            VmxFile.BrokenLine::line,
            VmxFile.BrokenLine::key,
            VmxFile.BrokenLine::problem,
            VmxFile.BrokenLine::mentionsVmdk)
        .containsExactly(
            tuple(2, "noEquals", "no '=' after the name", false),
            tuple(3, "", "no name before '='", false),
            tuple(4, "after", "text after the value", false),
            tuple(5, "scsi0:0.fileName", "the value has no closing quote", true));
  }

  // ----------------------------------------------------------------------------- encodings

  private static VmxFile encoded(String declared, Charset writer, String value) throws IOException {
    byte[] bytes =
        concat(
            ascii(".encoding = \"" + declared + "\"\r\nname = \""),
            escapeLikeVmware(value.getBytes(writer)),
            ascii("\"\r\n"));
    return VmxFile.parse(bytes, FILE);
  }

  /** DictLL_MarshalLine's escaping: '"', '|', DEL and control characters but tab, as |XX. */
  private static byte[] escapeLikeVmware(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : value) {
      int v = b & 0xff;
      if (v == '"' || v == '|' || v == 0x7f || (v < 0x20 && v != '\t')) {
        out.writeBytes(ascii(String.format("|%02X", v)));
      } else {
        out.write(v);
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        // declared ; Java charset VMware means ; text (each has bytes the plain charset reads
        // apart)
        "Shift_JIS; windows-31j; 表ソポ～＼\\予",
        "shift-jis; windows-31j; ポ|表",
        "windows-1252; windows-1252; Café €",
        "windows-949-2000; x-windows-949; 한국어 똠방각하",
        "GBK; GBK; 共享文件夹",
        "windows-936-2000; GBK; 共享文件夹",
        "Big5; x-windows-950; 共享資料夾 ﹏",
        "windows-950-2000; x-windows-950; 共享資料夾",
        "UTF-8; UTF-8; 共享文件夹 é ✓",
      })
  void eachEncodingIsReadAsVmwareMeansIt(String declared, String javaName, String text)
      throws IOException {
    Charset charset = Charset.forName(javaName);
    VmxFile f = encoded(declared, charset, text);
    assertThat(f.charset()).isEqualTo(charset);
    assertThat(f.get("name")).contains(text);
    assertThat(f.brokenLines()).isEmpty();
  }

  @Test
  void shiftJisReadByJavasOwnShiftJisWouldGiveAnotherCharacter() {
    // why the mapping matters: code page 932's FULLWIDTH TILDE is Java Shift_JIS's WAVE DASH
    byte[] bytes = "～".getBytes(Charset.forName("windows-31j"));
    assertThat(new String(bytes, Charset.forName("Shift_JIS"))).isNotEqualTo("～");
  }

  @Test
  void withoutEncodingValuesAreUtf8() throws IOException {
    VmxFile f = parse("a = \"共享\"\n");
    assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
    assertThat(f.get("a")).contains("共享");
  }

  @Test
  void aValueNotInTheDeclaredEncodingIsABrokenLineNotAFailure() throws IOException {
    byte[] bytes =
        concat(
            ascii(".encoding = \"UTF-8\"\nbad = \"\u0000"),
            new byte[] {(byte) 0xe5, (byte) 0xa4, '?'},
            ascii("\"\ngood = \"1\"\n"));
    bytes = Arrays.copyOf(bytes, bytes.length);
    int nul = indexOf(bytes, (byte) 0);
    bytes = concat(Arrays.copyOf(bytes, nul), Arrays.copyOfRange(bytes, nul + 1, bytes.length));
    VmxFile f = VmxFile.parse(bytes, FILE);
    assertThat(f.brokenLines())
        .extracting(VmxFile.BrokenLine::line, VmxFile.BrokenLine::key, VmxFile.BrokenLine::problem)
        .containsExactly(
            tuple(2, "bad", "the value is not UTF-8 text, the file's declared encoding"));
    assertThat(f.get("good")).contains("1");
  }

  @Test
  void anEncodingJavaLacksIsUnsupported() {
    assertThatThrownBy(() -> parse(".encoding = \"x-no-such-charset\"\na = \"1\"\n"))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessage(
            "VM.vmx: .encoding: unknown encoding (\"x-no-such-charset\"): its values cannot be read");
  }

  @Test
  void anEncodingNotReadableByteByByteIsUnsupported() {
    assertThatThrownBy(() -> parse(".encoding = \"UTF-16\"\na = \"1\"\n"))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining(".encoding: encoding \"UTF-16\" is not ASCII-compatible");
  }

  @Test
  void encodingDeclaredTwiceIsRefused() {
    assertThatThrownBy(() -> parse(".encoding = \"UTF-8\"\n.Encoding = \"GBK\"\n"))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageStartingWith("VM.vmx: .encoding: declared on lines 1 and 2");
  }

  @Test
  void aUtf8ByteOrderMarkIsSkippedAsVmwareDoes() throws IOException {
    byte[] bytes =
        concat(
            new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, ascii(".encoding = \"UTF-8\"\n"));
    VmxFile f = VmxFile.parse(bytes, FILE);
    assertThat(f.entries()).extracting(VmxFile.Entry::key).containsExactly(".encoding");
  }

  // ----------------------------------------------------------------------------- not a .vmx

  @Test
  void aNulByteMeansNotTextRefusedAndNothingChanged() throws IOException {
    Path vmx = dir.resolve("VM.vmx");
    Files.write(vmx, concat(ascii("a = \"1\"\n"), new byte[] {0, 1, 2}, ascii("b = \"2\"\n")));
    FolderSnapshot before = FolderSnapshot.of(dir);
    assertThatThrownBy(() -> VmxFile.read(vmx))
        .isInstanceOf(CorruptImageException.class)
        .hasMessage(vmx + ": byte 8: a NUL byte: not a text file, so not a .vmx configuration");
    before.assertUnchanged();
  }

  @Test
  void aTwoMebibyteFileIsRefusedWithoutReadingItAll() throws IOException {
    Path vmx = dir.resolve("VM.vmx");
    byte[] line = ascii("pad = \"" + "x".repeat(1000) + "\"\n");
    try (var out = Files.newOutputStream(vmx)) {
      for (long written = 0; written < 2L << 20; written += line.length) {
        out.write(line);
      }
    }
    long size = Files.size(vmx);
    FolderSnapshot before = FolderSnapshot.of(dir);
    assertThatThrownBy(() -> VmxFile.read(vmx))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessage(
            vmx
                + ": larger than a .vmx configuration this tool reads ("
                + size
                + " bytes, at most 1048576); VMware's are a few KiB");
    before.assertUnchanged();
  }

  @Test
  void aFileOfExactlyTheCapIsRead() throws IOException {
    Path vmx = dir.resolve("VM.vmx");
    StringBuilder text = new StringBuilder("a = \"1\"\n");
    while (text.length() < VmxFile.MAX_BYTES) {
      text.append('#');
    }
    text.setLength(VmxFile.MAX_BYTES);
    Files.writeString(vmx, text, StandardCharsets.US_ASCII);
    assertThat(VmxFile.read(vmx).get("a")).contains("1");
  }

  @Test
  void aFileWithoutAnyNameValueLineIsNotAVmx() {
    for (String text : new String[] {"", "# only a comment\n", "just words\nand more\n"}) {
      assertThatThrownBy(() -> parse(text))
          .as(text)
          .isInstanceOf(CorruptImageException.class)
          .hasMessage("VM.vmx: no name = \"value\" line: not a .vmx configuration");
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
