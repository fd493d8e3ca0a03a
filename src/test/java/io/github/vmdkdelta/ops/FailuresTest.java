package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** The reasons and advice in the messages of a failed rollback or recovery. */
class FailuresTest {
  @Test
  void anAccessDeniedExceptionSaysPermissionDenied() {
    // Its getMessage() is the file name alone: the message the issue quoted said nothing more.
    AccessDeniedException e = new AccessDeniedException("vm/sd0-000000.vmdk");
    assertThat(Failures.describe(e)).isEqualTo("vm/sd0-000000.vmdk: permission denied");
    assertThat(Failures.advice(e))
        .isEqualTo("make vm/sd0-000000.vmdk writable for you (chmod u+w, or run as its owner)");
  }

  @Test
  void operationNotPermittedPointsAtTheFileAttributes() {
    FileSystemException e = new FileSystemException("sd0.vmdk", null, "Operation not permitted");
    assertThat(Failures.notPermitted(e)).isTrue();
    assertThat(Failures.advice(e)).contains("immutable or append-only", "chattr -i -a");
  }

  @Test
  void otherFailuresKeepTheirMessage() {
    assertThat(Failures.describe(new IOException("No space left on device")))
        .isEqualTo("No space left on device");
    assertThat(Failures.notPermitted(new AccessDeniedException("x"))).isFalse();
    assertThat(Failures.advice(new IOException("disk full"))).isEqualTo("fix the cause");
  }
}
