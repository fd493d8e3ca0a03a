package io.github.vmdkdelta.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.Descriptor;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParentHintTest {
  private static final Path CHILD = Path.of("/vms/disk/sd0.vmdk");

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({
    "p.vmdk, /vms/disk/p.vmdk",
    "sub/p.vmdk, /vms/disk/sub/p.vmdk",
    "sub\\p.vmdk, /vms/disk/sub/p.vmdk",
    "a/../p.vmdk, /vms/disk/p.vmdk",
    "./p.vmdk, /vms/disk/p.vmdk",
    "sub//p.vmdk, /vms/disk/sub/p.vmdk",
    "'p q ü.vmdk', '/vms/disk/p q ü.vmdk'",
    "..p.vmdk, /vms/disk/..p.vmdk",
  })
  void safeHintsResolveInsideTheChildsFolder(String hint, String expected) throws Exception {
    Path resolved = ParentHint.resolve(CHILD, hint);
    assertThat(resolved).isEqualTo(Path.of(expected));
    assertThat(resolved.normalize()).isEqualTo(resolved);
    assertThat(resolved.startsWith(CHILD.getParent())).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "/etc/x.vmdk",
        "C:\\x.vmdk",
        "C:x.vmdk",
        "c:/x.vmdk",
        "\\\\server\\share\\x.vmdk",
        "\\x.vmdk",
        "../x.vmdk",
        "..\\x.vmdk",
        "a/../../x.vmdk",
        "sub/../../disk/x.vmdk",
        "",
        ".",
        "sub/..",
        "x.vmdk\0.txt",
      })
  void unsafeHintsAreRefused(String hint) {
    assertThatThrownBy(() -> ParentHint.resolve(CHILD, hint))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageStartingWith(CHILD + ": parentFileNameHint: ")
        .hasMessageContaining("leaves the disk's folder");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p.vmdk", "sub/p.vmdk"})
  void aChildWithoutFolderResolvesRelative(String hint) throws Exception {
    assertThat(ParentHint.resolve(Path.of("sd0.vmdk"), hint)).isEqualTo(Path.of(hint));
  }

  @ParameterizedTest(name = "{0} \"{1}\"")
  @CsvSource({
    // In these names a character ends in byte 0x5c, an ASCII backslash: ソ, 表 (cp932), 乗 (GBK).
    "windows-31j, ソフト表.vmdk",
    "GBK, 虚拟磁盘乗.vmdk",
    "windows-1252, 'O''Brien''s Café.vmdk'",
  })
  void aHintDecodedWithItsEncodingIsOneFileName(String charsetName, String name) throws Exception {
    Charset charset = Charset.forName(charsetName);
    String raw = new String(name.getBytes(charset), StandardCharsets.ISO_8859_1);

    String hint = Descriptor.decodeName(raw, charset);

    assertThat(ParentHint.resolve(CHILD, hint)).isEqualTo(CHILD.resolveSibling(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ソ表.vmdk", "乗.vmdk"})
  void rawBytesWouldBeTakenForFolders(String name) throws Exception {
    // Why hints must be decoded before they are resolved: read byte for byte, the 0x5c of these
    // names is a folder separator and the hint names a file in made-up folders.
    Charset charset = Charset.forName(name.startsWith("乗") ? "GBK" : "windows-31j");
    String undecoded = new String(name.getBytes(charset), StandardCharsets.ISO_8859_1);
    assertThat(ParentHint.resolve(CHILD, undecoded).getParent()).isNotEqualTo(CHILD.getParent());
  }
}
