package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * File names in descriptors written the way VMware writes them: in the declared encoding, which on
 * Windows hosts is the ANSI code page (windows-1252, Shift_JIS meaning cp932, GBK). Names are
 * decoded and encoded with it; every other byte is kept as found.
 */
class NameEncodingTest {
  private static final Path FILE = Path.of("vm", "d.vmdk");

  /** The Java charset VMware means: its "Shift_JIS" is Windows code page 932. */
  private static final Charset CP932 = Charset.forName("windows-31j");

  static Stream<Arguments> names() {
    return Stream.of(
        // ソ is 0x83 0x5c and 表 0x95 0x5c: the second byte is an ASCII backslash.
        Arguments.of("Shift_JIS", "ソフト表 ディスク.vmdk", CP932),
        // ～ (U+FF5E), ① and － exist in cp932 only, not in Java's Shift_JIS; VMware on Japanese
        // Windows writes them as 0x81 0x60, 0x87 0x40 and 0x81 0x7c.
        Arguments.of("Shift_JIS", "バックアップ～①－.vmdk", CP932),
        // 乗 is 0x81 0x5c in GBK.
        Arguments.of("GBK", "虚拟磁盘乗.vmdk", Charset.forName("GBK")),
        Arguments.of("windows-1252", "O'Brien's Café Übung.vmdk", Charset.forName("windows-1252")),
        Arguments.of("UTF-8", "日本語 ディスク.vmdk", StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("names")
  void namesInAVmwareDescriptorDecodeWithTheDeclaredEncoding(
      String encoding, String name, Charset vmwareCharset) throws Exception {
    byte[] text = vmwareSplitDescriptor(encoding, name);
    Descriptor d = Descriptor.parse(text, FILE);

    assertThat(d.encode()).as("parse then encode").isEqualTo(text);
    Charset charset = d.fileNameCharset(FILE);
    List<Extent> extents = d.extents(FILE);
    assertThat(extents).hasSize(3);
    String stem = name.replace(".vmdk", "");
    for (int i = 0; i < extents.size(); i++) {
      String expected = stem + "-s00" + (i + 1) + ".vmdk";
      String raw = extents.get(i).rawFileName();
      assertThat(raw.getBytes(StandardCharsets.ISO_8859_1))
          .isEqualTo(expected.getBytes(vmwareCharset));
      assertThat(Descriptor.decodeName(raw, charset)).isEqualTo(expected);
      assertThat(Descriptor.encodeName(expected, charset, FILE)).isEqualTo(raw);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("names")
  void renamingAnExtentChangesOnlyItsName(String encoding, String name, Charset vmwareCharset)
      throws Exception {
    String stem = name.replace(".vmdk", "");
    byte[] text = vmwareSplitDescriptor(encoding, name);
    Descriptor d = Descriptor.parse(text, FILE);
    String newName = stem + "-000000-s002.vmdk";

    Descriptor renamed =
        d.withExtentFileName(1, Descriptor.encodeName(newName, d.fileNameCharset(FILE), FILE));

    String oldLine = "RW 4192256 SPARSE \"" + stem + "-s002.vmdk\"";
    String newLine = "RW 4192256 SPARSE \"" + newName + "\"";
    byte[] expected =
        new String(text, vmwareCharset).replace(oldLine, newLine).getBytes(vmwareCharset);
    assertThat(renamed.encode()).isEqualTo(expected);
  }

  @Test
  void bytesOutsideTheNamesAreKeptAsFound() throws Exception {
    // CRLF endings, a blank after "Base", a comment and a ddb value in the declared encoding, a
    // tab.
    String text =
        "# Disk DescriptorFile\r\nversion=1\r\nencoding=\"Shift_JIS\"\r\nCID=0a0b0c0d\r\n"
            + "parentCID=ffffffff\r\ncreateType=\"monolithicSparse\"\r\n"
            + "# 仮想ディスク：表示用のコメント\r\n"
            + "RW 2048 SPARSE \"ソ表.vmdk\"\t\r\n"
            + "\r\n# The Disk Data Base \r\n#DDB\r\n\r\n"
            + "ddb.comment = \"能力～表\"\r\n";
    byte[] bytes = text.getBytes(CP932);
    Descriptor d = Descriptor.parse(bytes, FILE);
    assertThat(d.encode()).isEqualTo(bytes);

    Descriptor renamed =
        d.withExtentFileName(
                0, Descriptor.encodeName("ソ表-000000.vmdk", d.fileNameCharset(FILE), FILE))
            .with("CID", "01020304");
    byte[] expected =
        text.replace("\"ソ表.vmdk\"", "\"ソ表-000000.vmdk\"")
            .replace("CID=0a0b0c0d", "CID=01020304")
            .getBytes(CP932);
    assertThat(renamed.encode()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("names")
  void aDeltaOfAVmwareDiskNamesFilesInUtf8WhateverTheParentsEncoding(
      String encoding, String name, Charset vmwareCharset) throws Exception {
    HostedDiskFixture parentDisk =
        HostedDiskFixture.monolithicSparse(name).encoding(encoding).cid(0x0a0b0c0d);
    Descriptor parent = Descriptor.parse(parentDisk.descriptorBytes(), FILE);
    String frozen = name.replace(".vmdk", "-000000.vmdk");

    byte[] child =
        DeltaDescriptor.forParent(
            parent, FILE, frozen, name, 2048, new ContentId(0x11223344), new SplittableRandom(1));

    assertThat(Descriptor.parse(parentDisk.descriptorBytes(), FILE).fileNameCharset(FILE))
        .isEqualTo(vmwareCharset);
    String text = new String(child, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("encoding=\"UTF-8\"\n")
        .contains("parentCID=0a0b0c0d\n")
        .contains("parentFileNameHint=\"" + frozen + "\"\n")
        .contains("RW 2048 SPARSE \"" + name + "\"\n")
        .contains("ddb.virtualHWVersion = \"16\"\n")
        .contains("ddb.adapterType = \"lsilogic\"\n");
    Descriptor parsed = Descriptor.parse(child, FILE);
    Charset charset = parsed.fileNameCharset(FILE);
    assertThat(Descriptor.decodeName(parsed.parentFileNameHintRaw().orElseThrow(), charset))
        .isEqualTo(frozen);
    assertThat(Descriptor.decodeName(parsed.extents(FILE).get(0).rawFileName(), charset))
        .isEqualTo(name);
  }

  @Test
  void aNameTheDeclaredEncodingCannotHoldIsRefusedClearly() throws Exception {
    // The parent's own descriptor keeps its encoding, so its new extent name must fit in it.
    Descriptor parent =
        Descriptor.parse(
            HostedDiskFixture.monolithicSparse("disk.vmdk")
                .encoding("windows-1252")
                .descriptorBytes(),
            FILE);
    assertThatThrownBy(() -> Descriptor.encodeName("日本語.vmdk", parent.fileNameCharset(FILE), FILE))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageStartingWith(FILE + ": descriptor: ")
        .hasMessageContaining("日本語.vmdk")
        .hasMessageContaining("windows-1252");
    // The child names files in UTF-8, which holds any name.
    byte[] child =
        DeltaDescriptor.forParent(
            parent,
            FILE,
            "disk-000000.vmdk",
            "日本語.vmdk",
            2048,
            new ContentId(1),
            new SplittableRandom(1));
    assertThat(new String(child, StandardCharsets.UTF_8)).contains("SPARSE \"日本語.vmdk\"");
  }

  @Test
  void cp932OnlyCharactersAreNotTakenForOthers() throws Exception {
    Descriptor d = Descriptor.parse(vmwareSplitDescriptor("Shift_JIS", "～.vmdk"), FILE);
    String raw = d.extents(FILE).get(0).rawFileName();
    // Java's Shift_JIS would read 0x81 0x60 as U+301C WAVE DASH: a name that is not the file's.
    assertThat(Descriptor.decodeName(raw, d.fileNameCharset(FILE)))
        .isEqualTo("\uFF5E-s001.vmdk")
        .isNotEqualTo("\u301C-s001.vmdk");
  }

  /** The descriptor of a 5 GiB split disk named {@code name}, as VMware writes it. */
  private static byte[] vmwareSplitDescriptor(String encoding, String name) {
    return HostedDiskFixture.twoGbMaxExtentSparse(name)
        .encoding(encoding)
        .capacityBytes(5L << 30)
        .descriptorBytes();
  }
}
