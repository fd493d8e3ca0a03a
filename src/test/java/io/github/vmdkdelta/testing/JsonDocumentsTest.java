package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reader's settings: what the tests compare against depends on them. */
class JsonDocumentsTest {
  @Test
  void givesIntegersAsLongsAndKeepsTheKeysInOrder() {
    @SuppressWarnings("unchecked")
    Map<String, Object> v =
        (Map<String, Object>)
            JsonDocuments.parse("{\"b\": 7, \"a\": 4294967295, \"x\": 2.5, \"n\": null}");
    assertThat(v.keySet()).containsExactly("b", "a", "x", "n");
    assertThat(v)
        .containsEntry("b", 7L)
        .containsEntry("a", 4294967295L)
        .containsEntry("x", 2.5)
        .containsEntry("n", null);
    assertThat(JsonDocuments.parse("[]")).isEqualTo(List.of());
  }

  @Test
  void refusesDuplicateKeysTrailingTextAndWhatIsNotJson() {
    for (String bad :
        List.of(
            "{\"a\": 1, \"a\": 2}",
            "{\"o\": {\"a\": 1, \"a\": 1}}",
            "[1] x",
            "{} {}",
            "",
            "[1,]",
            "{'a': 1}",
            "\"open")) {
      assertThatThrownBy(() -> JsonDocuments.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
