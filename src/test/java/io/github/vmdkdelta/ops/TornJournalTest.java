package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A journal whose last append a power cut tore: sectors of it may reach the device in any order,
 * and those that did not read as zeros. Everything from the first hole on is ignored.
 */
class TornJournalTest {
  private static final Path FOLDER = Path.of("/folder");
  private static final String HEADER = "vmdk-delta journal 1\noperation make sd0.vmdk\n";
  private static final String PLAN =
      "step rename sd0.vmdk sd0-000000.vmdk\nstep sync-folder\nplan-end\n";

  private static String holed(String text, int from, int to) {
    return text.substring(0, from) + "\0".repeat(to - from) + text.substring(to);
  }

  @Test
  void aPlanWithAHoleWasNeverWholeSoNoStepStarted() {
    String torn = HEADER + holed(PLAN, 5, 20);
    JournalFormat.Content content = JournalFormat.parse(torn, FOLDER);
    assertThat(content.planComplete()).isFalse();
    assertThat(content.plan().steps()).isEmpty();
  }

  @Test
  void aTornMarkAfterAWholePlanEndsTheMarks() {
    String text = HEADER + PLAN + "done 0\n" + "\0\0\0\0\0\0\0";
    JournalFormat.Content content = JournalFormat.parse(text, FOLDER);
    assertThat(content.planComplete()).isTrue();
    assertThat(content.done()).containsExactly(0);
  }

  @Test
  void aTornHeaderMeansNothingStarted() {
    JournalFormat.Content content = JournalFormat.parse(holed(HEADER, 0, 10) + PLAN, FOLDER);
    assertThat(content.planComplete()).isFalse();
  }

  @Test
  void damageWithoutAHoleIsStillRefused() {
    assertThatThrownBy(() -> JournalFormat.parse(HEADER + "stop rename x\n" + PLAN, FOLDER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
