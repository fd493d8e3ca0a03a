package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code encoding} names VMware products declare (open-vm-tools
 * lib/unicode/unicodeSimpleTypes.c: the preferred name of the host's code page) and the code page
 * each means: names written in it decode to the file's name and encode back to the same bytes.
 */
class VmwareEncodingsTest {
  private static final Path FILE = Path.of("vm", "d.vmdk");

  private static byte[] descriptor(String encoding, byte[] name) {
    byte[] head =
        ("# Disk DescriptorFile\nversion=1\nencoding=\""
                + encoding
                + "\"\nCID=0a0b0c0d\nparentCID=ffffffff\ncreateType=\"monolithicSparse\"\n"
                + "\n# Extent description\nRW 2048 SPARSE \"")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\"\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + name.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(name, 0, all, head.length, name.length);
    System.arraycopy(tail, 0, all, head.length + name.length, tail.length);
    return all;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "windows-1250     | Zażółć gęślą.vmdk       | windows-1250",
        "windows-1251     | Виртуальный диск.vmdk   | windows-1251",
        "windows-1252     | O'Brien's Café.vmdk     | windows-1252",
        "windows-1253     | Εικονικός δίσκος.vmdk   | windows-1253",
        "windows-1254     | Sanal ğüşıöç.vmdk       | windows-1254",
        "windows-1255     | דיסק וירטואלי.vmdk      | windows-1255",
        "windows-1256     | قرص ظاهري.vmdk          | windows-1256",
        "windows-1257     | Diskas ąčęėįšųūž.vmdk   | windows-1257",
        "windows-1258     | Đơn ư.vmdk              | windows-1258",
        "windows-874      | ดิสก์ €.vmdk            | x-windows-874",
        "TIS-620          | ดิสก์.vmdk               | TIS-620",
        "Shift_JIS        | バックアップ～①－.vmdk  | windows-31j",
        "GBK              | 虚拟磁盘乗.vmdk         | GBK",
        "windows-936-2000 | 虚拟磁盘乗.vmdk         | GBK",
        "Big5             | 備份～／＼.vmdk         | x-windows-950",
        "windows-950-2000 | 備份～／＼.vmdk         | x-windows-950",
        "EUC-KR           | 가상 디스크.vmdk        | EUC-KR",
        "KS_C_5601-1987   | 가상 디스크.vmdk        | EUC-KR",
        "windows-949-2000 | 똠방각하 디스크.vmdk    | x-windows-949",
        "windows-949      | 똠방각하 디스크.vmdk    | x-windows-949",
        "cp949            | 똠방각하 디스크.vmdk    | x-windows-949",
        "ISO-8859-1       | Café.vmdk               | ISO-8859-1",
        "ISO-8859-2       | Łódź.vmdk               | ISO-8859-2",
        "ISO-8859-5       | Диск.vmdk               | ISO-8859-5",
        "ISO-8859-7       | Δίσκος.vmdk             | ISO-8859-7",
        "ISO-8859-9       | Dişk.vmdk               | ISO-8859-9",
        "ISO-8859-15      | Œuvre €.vmdk            | ISO-8859-15",
        "UTF-8            | 日本語 ディスク.vmdk    | UTF-8",
        "utf8             | 日本語 ディスク.vmdk    | UTF-8",
        "shift_jis        | ～.vmdk                 | windows-31j",
        "big5             | ～.vmdk                 | x-windows-950",
      })
  void namesDecodeAsVmwareMeansTheEncoding(String declared, String name, String codePage)
      throws Exception {
    Charset meant = Charset.forName(codePage);
    assertThat(meant.newEncoder().canEncode(name)).as("test data").isTrue();
    byte[] raw = name.getBytes(meant);
    Descriptor d = Descriptor.parse(descriptor(declared, raw), FILE);

    Charset charset = d.fileNameCharset(FILE);

    assertThat(charset).isEqualTo(meant);
    String rawName = d.extents(FILE).get(0).rawFileName();
    assertThat(Descriptor.decodeName(rawName, charset)).isEqualTo(name);
    assertThat(Descriptor.encodeName(name, charset, FILE)).isEqualTo(rawName);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Windows code page 950, what VMware (ICU) reads as Big5: Java's Big5 reads a1e3 as ∼
        // (U+223C) and cannot read a1fe, a240.
        "Big5             | a1e3a1fea240 | ～／＼",
        // Code page 949 extensions (UHC), which Korean Windows hosts write: 똠 is 8c63.
        "windows-949-2000 | 8c63b9e6     | 똠방",
        // Code page 932: ～ is 8160, ① 8740.
        "Shift_JIS        | 81608740     | ～①",
      })
  void codePageExtensionsAreReadAsTheHostWroteThem(String declared, String hex, String name)
      throws Exception {
    Descriptor d = Descriptor.parse(descriptor(declared, HexFormat.of().parseHex(hex)), FILE);
    String raw = d.extents(FILE).get(0).rawFileName();
    assertThat(Descriptor.decodeName(raw, d.fileNameCharset(FILE))).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "ISO-8859-14", // a name VMware declares on some Linux hosts; Java has no such charset
        "windows-1361",
        "x-no-such",
        "bad name!",
        "UTF-16",
        "UTF-16LE",
        "ISO-2022-JP",
        "IBM037"
      })
  void encodingsThatCannotBeReadAreUnsupported(String declared) throws Exception {
    Descriptor d = Descriptor.parse(descriptor(declared, "d.vmdk".getBytes()), FILE);

    assertThatThrownBy(() -> d.fileNameCharset(FILE))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageStartingWith(FILE + ": descriptor: ")
        .hasMessageContaining("\"" + declared + "\"");
  }
}
