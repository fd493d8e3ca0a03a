package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {
  @Test
  void parsesQemuImgInfoShapes() {
    Object v =
        MiniJson.parse(
            "[\n  {\n    \"virtual-size\": 1024000,\n    \"filename\": \"a \\\"b\\\".vmdk\",\n"
                + "    \"format-specific\": {\"data\": {\"cid\": 4294967295, \"x\": [1, 2.5e0]}},\n"
                + "    \"dirty-flag\": false, \"n\": null, \"t\": true, \"u\": \"\\u00e9\\n\"\n  }\n]");
    assertThat(v).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) ((List<?>) v).get(0);
    assertThat(o.keySet())
        .containsExactly(
            "virtual-size", "filename", "format-specific", "dirty-flag", "n", "t", "u");
    assertThat(o)
        .containsEntry("virtual-size", 1024000L)
        .containsEntry("filename", "a \"b\".vmdk")
        .containsEntry("dirty-flag", false)
        .containsEntry("n", null)
        .containsEntry("t", true)
        .containsEntry("u", "\u00e9\n");
    assertThat(o.get("format-specific"))
        .isEqualTo(Map.of("data", Map.of("cid", 4294967295L, "x", Arrays.asList(1L, 2.5))));
    assertThat(MiniJson.parse("{}")).isEqualTo(Map.of());
    assertThat(MiniJson.parse(" [ ] ")).isEqualTo(List.of());
  }

  @Test
  void refusesWhatIsNotJson() {
    for (String bad :
        List.of("", "[1,]", "{\"a\" 1}", "[1] x", "\"open", "{\"a\":1,\"a\":2}", "@")) {
      assertThatThrownBy(() -> MiniJson.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
