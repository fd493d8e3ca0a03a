package io.github.vmdkdelta.interop;

import io.github.vmdkdelta.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/** What libvmdk's {@code vmdkinfo} says about a disk: its {@code Key: value} lines, in order. */
record Vmdkinfo(String output, List<String[]> fields) {
  private static final java.util.regex.Pattern FIELD =
      java.util.regex.Pattern.compile("^\\s*([A-Za-z][A-Za-z ]*):\\s*(.*?)\\s*$");

  /** Runs {@code vmdkinfo NAME} in {@code folder}; it must exit 0. */
  static Vmdkinfo of(Path folder, String name) throws IOException {
    Path tool = ExternalTools.require(ExternalTools.VMDKINFO);
    String out = ExternalTools.run(folder, tool, name).expectSuccess().output();
    List<String[]> fields = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = FIELD.matcher(line);
      if (m.matches() && !m.group(2).isEmpty()) {
        fields.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return new Vmdkinfo(out, List.copyOf(fields));
  }

  /** Every value of {@code key}, in order. */
  List<String> all(String key) {
    return fields.stream().filter(f -> f[0].equals(key)).map(f -> f[1]).toList();
  }

  /** The one value of {@code key}, or an AssertionError. */
  String one(String key) {
    List<String> values = all(key);
    if (values.size() != 1) {
      throw new AssertionError("vmdkinfo: expected one \"" + key + "\" line:\n" + output);
    }
    return values.get(0);
  }
}
