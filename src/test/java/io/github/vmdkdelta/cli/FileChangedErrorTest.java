package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.vmdkdelta.vmdk.FileChangedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A file that changed under an operation is an I/O error (6), said in one line naming it. */
class FileChangedErrorTest {
  @Test
  void aFileThatChangedSizeIsAnIoErrorNamingIt() {
    Path file = Path.of("/vm/sd0-000000.vmdk");
    Throwable e = catchThrowable(() -> FileChangedException.requireSize(file, 70000, 65536));
    assertThat(ExitCode.of(e)).isEqualTo(ExitCode.IO_ERROR);
    assertThat(ErrorMessages.of(e))
        .isEqualTo(
            "/vm/sd0-000000.vmdk: file changed size since it was checked (70000 bytes, was"
                + " 65536); nothing was changed");
  }

  @Test
  void aFileThatShrankWhileReadIsAnIoErrorNamingIt() {
    Throwable e = FileChangedException.shrank(Path.of("/vm/sd0.vmdk"));
    assertThat(ExitCode.of(e)).isEqualTo(ExitCode.IO_ERROR);
    assertThat(ErrorMessages.of(e)).isEqualTo("/vm/sd0.vmdk: file shrank while it was being read");
  }

  @Test
  void anUnchangedSizePasses() {
    assertThat(catchThrowable(() -> FileChangedException.requireSize(Path.of("x"), 5, 5))).isNull();
  }
}
