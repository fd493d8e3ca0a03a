package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Descriptors that declare the code pages VMware products write (Shift_JIS, GBK, Big5, EUC-KR,
 * windows-949-2000, windows-1250 to 1258, ISO-8859-x) and name their files in them, through make,
 * info, check and delete: the parent's descriptor keeps its encoding (its new extent names are
 * written in it, every other byte kept), the child declares UTF-8, the disk reads the same, and
 * delete restores every byte.
 *
 * <p>qemu-img cannot take part for non-ASCII names: it ignores {@code encoding} and opens extent
 * files by the descriptor's raw bytes, which are not the file's name on a UTF-8 file system.
 */
class EncodedNamesInteropTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1}, {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Shift_JIS    | twoGbMaxExtentSparse | 表示 ソフト.vmdk",
        "Shift_JIS    | monolithicFlat       | 日本語 ディスク.vmdk",
        "GBK          | twoGbMaxExtentFlat   | 数据 盘.vmdk",
        "windows-1252 | twoGbMaxExtentSparse | O'Brien's café.vmdk",
        "Big5         | twoGbMaxExtentSparse | 虛擬磁碟 資料.vmdk",
        "EUC-KR       | monolithicFlat       | 가상 디스크.vmdk",
        "windows-1251 | twoGbMaxExtentFlat   | Виртуальный диск.vmdk",
      })
  void splitAndFlatParentsKeepTheirEncoding(String encoding, String subformat, String name)
      throws IOException {
    Charset charset = Charset.forName(encoding);
    Path folder = Files.createDirectory(dir.resolve("ドライブ folder"));
    Path ascii = QemuDisks.base(folder, "tmp.vmdk", "8M", subformat);
    QemuDisks.write(ascii, 0, 65536, 0x61);
    QemuDisks.write(ascii, 8 * 1024 * 1024 - 4096, 4096, 0x62);
    byte[] content = Files.readAllBytes(QemuDisks.toRaw(ascii, dir.resolve("content.raw")));
    Path disk = rename(folder, "tmp", name, charset);
    FolderSnapshot before = FolderSnapshot.of(folder);
    assertThat(read(disk)).isEqualTo(content);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isZero();
    String stem = stem(name);
    Path frozen = folder.resolve(stem + "-000000.vmdk");
    byte[] frozenText = Files.readAllBytes(frozen);
    assertThat(new String(frozenText, charset))
        .contains("encoding=\"" + encoding + "\"")
        .contains("\"" + stem + "-000000-" + (subformat.endsWith("Sparse") ? "s001" : "f"));
    assertThat(Files.exists(folder.resolve(stem + "-000000" + extentSuffix(subformat)))).isTrue();
    String child = childDescriptor(disk);
    assertThat(child).contains("encoding=\"UTF-8\"");
    assertThat(child).contains("parentFileNameHint=\"" + stem + "-000000.vmdk\"");
    assertThat(read(disk)).isEqualTo(content);
    assertThat(Cli.run("info", disk.toString()).code()).isZero();
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out()).isZero();

    Cli delete = Cli.run("delete", disk.toString());

    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Shift_JIS        | ソフト 表～.vmdk",
        "GBK              | 数据盘.vmdk",
        "windows-1252     | Zoë's disk.vmdk",
        // What VMware (ICU) reads as Big5 is code page 950: ～ and ／ are a1e3 and a1fe.
        "Big5             | 虛擬磁碟 備份～／.vmdk",
        "Big5             | 虛擬磁碟.vmdk",
        "windows-1250     | Zażółć dysk.vmdk",
        "windows-1251     | Виртуальный диск.vmdk",
        "windows-1253     | Δίσκος.vmdk",
        "windows-1254     | Sanal ğüşıöç.vmdk",
        "windows-1255     | דיסק.vmdk",
        "windows-1256     | قرص.vmdk",
        "windows-1257     | Diskas ąčęė.vmdk",
        "windows-1258     | Đơn ư.vmdk",
        "EUC-KR           | 가상 디스크.vmdk",
        // Korean Windows hosts declare code page 949 so; 똠 exists only in its extensions.
        "windows-949-2000 | 똠방각하 디스크.vmdk",
        "ISO-8859-2       | Łódź.vmdk",
        "ISO-8859-15      | Œuvre €.vmdk",
      })
  void monolithicParentsKeepTheirEncoding(String encoding, String name) throws IOException {
    Charset charset = HostedDiskFixture.charsetOf(encoding);
    Path disk = VmdkFixture.base(name).encoding(encoding).grain(0, 0x71).writeTo(dir);
    byte[] content = read(disk);
    FolderSnapshot before = FolderSnapshot.of(dir);

    Cli make = Cli.run("make", disk.toString());

    assertThat(make.code()).as(make.err()).isZero();
    String frozenName = stem(name) + "-000000.vmdk";
    byte[] frozen = Files.readAllBytes(dir.resolve(frozenName));
    assertThat(indexOf(frozen, ("\"" + frozenName + "\"").getBytes(charset))).isPositive();
    assertThat(childDescriptor(disk))
        .contains("encoding=\"UTF-8\"")
        .contains("parentFileNameHint=\"" + frozenName + "\"");
    assertThat(read(disk)).isEqualTo(content);
    Cli info = Cli.run("info", disk.toString());
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out()).contains(frozenName);
    Cli check = Cli.run("check", disk.toString());
    assertThat(check.code()).as(check.out() + check.err()).isZero();
    Cli delete = Cli.run("delete", disk.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();
  }

  /**
   * Renames a qemu-made split or flat disk and its extents to {@code name}'s stem, and rewrites its
   * descriptor in {@code charset}, declaring it, as VMware on a Windows in that locale writes it.
   */
  private static Path rename(Path folder, String oldStem, String name, Charset charset)
      throws IOException {
    String stem = stem(name);
    String text = Files.readString(folder.resolve(oldStem + ".vmdk"), StandardCharsets.UTF_8);
    text = text.substring(0, text.indexOf('\0') < 0 ? text.length() : text.indexOf('\0'));
    text =
        text.replace("version=1\n", "version=1\nencoding=\"" + charset.name() + "\"\n")
            .replace("\"" + oldStem + "-", "\"" + stem + "-");
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.startsWith(oldStem + "-")) {
          Files.move(f, folder.resolve(stem + n.substring(oldStem.length())));
        }
      }
    }
    Files.delete(folder.resolve(oldStem + ".vmdk"));
    Path disk = folder.resolve(name);
    Files.write(disk, text.getBytes(charset));
    return disk;
  }

  private static byte[] read(Path disk) throws IOException {
    try (ChainReader r = ChainReader.open(DiskChain.open(disk))) {
      byte[] all = new byte[Math.toIntExact(r.capacityBytes())];
      r.read(0, all, 0, all.length);
      return all;
    }
  }

  private static String childDescriptor(Path disk) throws IOException {
    return new String(
        QemuDisks.descriptor(disk).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static String stem(String name) {
    return name.substring(0, name.length() - ".vmdk".length());
  }

  private static String extentSuffix(String subformat) {
    return switch (subformat) {
      case "twoGbMaxExtentSparse" -> "-s001.vmdk";
      case "monolithicFlat" -> "-flat.vmdk";
      default -> "-f001.vmdk";
    };
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
