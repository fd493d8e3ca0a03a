package io.github.vmdkdelta.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code --json} documents: objects keep their keys in insertion order, values are
 * strings, numbers, booleans, null, lists and nested objects. Output is indented, one key per line,
 * as {@code qemu-img --output=json} does, and pure ASCII.
 */
final class Json {
  private Json() {}

  /** A new object to fill in order. */
  static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }

  /** The value as JSON text, indented by four spaces per level. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, 0, sb);
    return sb.toString();
  }

  private static void write(Object value, int depth, StringBuilder sb) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      string(s, sb);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      sb.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      for (int i = 0; i < entries.size(); i++) {
        indent(depth + 1, sb);
        string(entries.get(i).getKey().toString(), sb);
        sb.append(": ");
        write(entries.get(i).getValue(), depth + 1, sb);
        sb.append(i + 1 < entries.size() ? ",\n" : "\n");
      }
      indent(depth, sb);
      sb.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        indent(depth + 1, sb);
        write(list.get(i), depth + 1, sb);
        sb.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      indent(depth, sb);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  private static void indent(int depth, StringBuilder sb) {
    sb.append("    ".repeat(depth));
  }

  /**
   * A JSON string: quotes, backslashes, control characters and everything outside ASCII escaped, so
   * that the document reads the same whatever charset the console uses (file names may hold any
   * character).
   */
  static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
