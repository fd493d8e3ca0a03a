package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ExternalToolTest {
  private static final String MISSING = "vmdk-delta-no-such-tool-3f9c";

  @Test
  void aMissingToolSkipsOutsideCiAndFailsInCi() {
    if ("true".equals(System.getenv("CI"))) {
      assertThatThrownBy(() -> ExternalTool.require(MISSING))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("CI=true")
          .hasMessageContaining(MISSING);
    } else {
      assertThatThrownBy(() -> ExternalTool.require(MISSING))
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining(MISSING + " not found");
    }
  }
}
