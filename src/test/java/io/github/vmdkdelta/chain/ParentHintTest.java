package io.github.vmdkdelta.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.vmdk.BrokenChainException;
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
}
