package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.JsonDocuments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The --json writer (read back by Jackson, strictly: testing/JsonDocuments) and the human-readable
 * sizes.
 */
class JsonAndSizesTest {
  @Test
  void writesWhatAStrictReaderReadsBack() {
    Map<String, Object> doc = Json.object();
    doc.put("n", 2199023255552L);
    doc.put("i", 7);
    doc.put("t", true);
    doc.put("f", false);
    doc.put("z", null);
    doc.put("s", "quote \" backslash \\ newline \n tab \t bell \u0007 del \u007f");
    doc.put("name", "Virtual Disk \u00e9\u4e2d\u6587 \ud83d\udcbe.vmdk");
    doc.put("empty", List.of());
    doc.put("nested", new ArrayList<Object>(Arrays.asList(Json.object(), List.of(1L, "x"))));

    String text = Json.write(doc);

    assertThat(text.chars()).allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n');
    Object back = JsonDocuments.parse(text);
    Map<String, Object> expected = new LinkedHashMap<>(doc);
    expected.put("i", 7L); // the reader gives every integer as a Long
    expected.put("nested", List.of(Map.of(), List.of(1L, "x")));
    assertThat(back).isEqualTo(expected);
    assertThat(new ArrayList<Object>(((Map<?, ?>) back).keySet()))
        .isEqualTo(new ArrayList<Object>(doc.keySet()));
    assertThat(text).startsWith("{\n    \"n\": 2199023255552,\n    \"i\": 7,\n");
  }

  @Test
  void sizesUseBinaryUnitsWithOneDecimal() {
    assertThat(Sizes.human(0)).isEqualTo("0 B");
    assertThat(Sizes.human(1023)).isEqualTo("1023 B");
    assertThat(Sizes.human(1024)).isEqualTo("1.0 KiB");
    assertThat(Sizes.human(1024000)).isEqualTo("1000.0 KiB");
    assertThat(Sizes.human(1048575)).isEqualTo("1.0 MiB");
    assertThat(Sizes.human(196608)).isEqualTo("192.0 KiB");
    assertThat(Sizes.human(1L << 30)).isEqualTo("1.0 GiB");
    assertThat(Sizes.human(1610612736L)).isEqualTo("1.5 GiB");
    assertThat(Sizes.human(2L << 40)).isEqualTo("2.0 TiB");
    assertThat(Sizes.human(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    assertThat(Sizes.humanAndBytes(512)).isEqualTo("512 B");
    assertThat(Sizes.humanAndBytes(4194304)).isEqualTo("4.0 MiB (4194304)");
  }
}
