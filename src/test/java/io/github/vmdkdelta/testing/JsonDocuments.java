package io.github.vmdkdelta.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON documents of tool output in tests ({@code vmdk-delta --json}, {@code qemu-img info
 * --output=json}) with Jackson, not with a reader of our own, so that a misunderstanding of JSON
 * shared by our writer and our reader cannot pass. Strict: a duplicate key or anything after the
 * value is an error. Objects become {@link java.util.Map}s in document order, arrays {@link
 * java.util.List}s, integers {@link Long}s, other numbers {@link Double}s.
 */
public final class JsonDocuments {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .build();

  private JsonDocuments() {}

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException when the text is not one JSON value
   */
  public static Object parse(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("JSON: " + e.getOriginalMessage(), e);
    }
  }
}
