package io.github.vmdkdelta.vm;

import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import io.github.vmdkdelta.vmdk.VmdkException;
import io.github.vmdkdelta.vmdk.VmwareCharsets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A VMware virtual machine configuration ({@code .vmx}) read as VMware's own dictionary reader
 * reads it (open-vm-tools lib/dict/dictll.c, DictLL_UnmarshalLine; lib/misc/vmstdio.c,
 * StdIO_ReadNextLine; lib/misc/escape.c, Escape_Undo):
 *
 * <ul>
 *   <li>lines end at CR LF, LF or a lone CR; a UTF-8 byte order mark at the start is skipped;
 *   <li>{@code <ws> name <ws> = <ws> "value" <ws> [# comment]}, or an unquoted value that ends at a
 *       space, a tab or '#'; {@code <ws>} is spaces and tabs; a name holds no space, tab, '=' or
 *       '#'; a quoted value holds no quote;
 *   <li>a line that is empty or starts with '#' (the {@code #!/usr/bin/vmware} line too) is a
 *       comment;
 *   <li>in a value, '|' and two hex digits stand for that byte (VMware writes '"', '|', DEL and
 *       control characters so); a backslash is a plain character (Windows paths);
 *   <li>the value bytes are text in the charset {@code .encoding} declares ({@link
 *       VmwareCharsets}), UTF-8 when none is declared;
 *   <li>names compare in any letter case (VMware's dictionary does; a file holding one name twice,
 *       even in two spellings, is refused by VMware as corrupt: see {@link #all}).
 * </ul>
 *
 * <p>A line VMware's reader would not take (no '=', no closing quote, text after the value) or
 * whose value is not text in the declared charset is kept as a {@link BrokenLine} and does not
 * swallow the next line; whoever reads a key decides whether a broken line could have held it.
 */
public final class VmxFile {
  /**
   * The largest {@code .vmx} read: 1 MiB. VMware's files are a few KiB (the samples: 3 to 5 KiB; an
   * encrypted one, whose whole configuration is one base64 line, is under 100 KiB); a file 200
   * times the size of any seen is no configuration this tool knows, and the cap bounds memory.
   */
  static final int MAX_BYTES = 1 << 20;

  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** A {@code name = value} line: its 1-based number, the name as spelled, the decoded value. */
  public record Entry(int line, String key, String value) {}

  /**
   * A line VMware's reader would not take, or whose value is not text in the file's charset.
   *
   * @param line its 1-based number
   * @param key the name it starts with, as spelled, or empty when it starts with none
   * @param problem what is wrong, for a message
   * @param mentionsVmdk whether ".vmdk" appears in it, in any letter case
   */
  public record BrokenLine(int line, String key, String problem, boolean mentionsVmdk) {}

  private final Path file;
  private final Charset charset;
  private final List<Entry> entries;
  private final Map<String, List<Entry>> byKey;
  private final List<BrokenLine> brokenLines;

  private VmxFile(Path file, Charset charset, List<Entry> entries, List<BrokenLine> brokenLines) {
    this.file = file;
    this.charset = charset;
    this.entries = List.copyOf(entries);
    this.brokenLines = List.copyOf(brokenLines);
    Map<String, List<Entry>> map = new LinkedHashMap<>();
    for (Entry e : entries) {
      map.computeIfAbsent(normal(e.key()), k -> new ArrayList<>()).add(e);
    }
    this.byKey = map;
  }

  /**
   * Reads {@code file}.
   *
   * @throws CorruptImageException when it is not text (a NUL byte) or holds no {@code name = value}
   *     line, or declares {@code .encoding} twice
   * @throws UnsupportedImageException when it is larger than {@link #MAX_BYTES} or declares an
   *     encoding Java lacks
   * @throws IOException when it cannot be read
   */
  public static VmxFile read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file, Math.max(Files.size(file), bytes.length));
    }
    return parse(bytes, file);
  }

  static VmxFile parse(byte[] bytes, Path file) throws VmdkException {
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file, bytes.length);
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new CorruptImageException(
            file, "byte " + i, "a NUL byte: not a text file, so not a .vmx configuration");
      }
    }
    int start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
    List<RawLine> raw = new ArrayList<>();
    List<BrokenLine> broken = new ArrayList<>();
    int lineNumber = 0;
    int i = start;
    while (i < bytes.length) {
      int end = i;
      while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
        end++;
      }
      lineNumber++;
      String text = new String(bytes, i, end - i, StandardCharsets.ISO_8859_1);
      unmarshal(lineNumber, text, raw, broken);
      if (end < bytes.length
          && bytes[end] == '\r'
          && end + 1 < bytes.length
          && bytes[end + 1] == '\n') {
        end++;
      }
      i = end + 1;
    }

    Charset charset = charsetOf(raw, file);
    List<Entry> entries = new ArrayList<>();
    for (RawLine r : raw) {
      byte[] value = unescape(r.value().getBytes(StandardCharsets.ISO_8859_1));
      try {
        String decoded =
            charset
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(value))
                .toString();
        entries.add(new Entry(r.line(), r.key(), decoded));
      } catch (CharacterCodingException e) {
        broken.add(
            new BrokenLine(
                r.line(),
                r.key(),
                "the value is not " + charset.name() + " text, the file's declared encoding",
                r.mentionsVmdk()));
      }
    }
    if (entries.isEmpty()) {
      throw new CorruptImageException(
          file, "", "no name = \"value\" line: not a .vmx configuration");
    }
    broken.sort((a, b) -> Integer.compare(a.line(), b.line()));
    return new VmxFile(file, charset, entries, broken);
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** The charset the values were decoded with. */
  public Charset charset() {
    return charset;
  }

  /** Every well-formed line, in file order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The lines VMware would not read, or whose value is not text, in file order. */
  public List<BrokenLine> brokenLines() {
    return brokenLines;
  }

  /** The value of {@code key} (any letter case); the last line's when it appears more than once. */
  public Optional<String> get(String key) {
    List<Entry> all = all(key);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).value());
  }

  /**
   * Every line of {@code key} (any letter case), in file order. More than one is a file VMware
   * Fusion and Workstation refuse to open as corrupt (hashicorp/vagrant#2597: {@code
   * msg.autoanswer} and {@code msg.autoAnswer}; cloudfoundry-attic/bosh-lite#61).
   */
  public List<Entry> all(String key) {
    return byKey.getOrDefault(normal(key), List.of());
  }

  /** The names of every key, as first spelled, lowercased for comparison. */
  List<String> normalKeys() {
    return List.copyOf(byKey.keySet());
  }

  static String normal(String key) {
    return key.toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------------------------------------

  /** A well-formed line before its value is unescaped and decoded (ISO-8859-1: one char a byte). */
  private record RawLine(int line, String key, String value, boolean mentionsVmdk) {}

  /** DictLL_UnmarshalLine, with a reason for each line it would call "weird". */
  private static void unmarshal(int line, String text, List<RawLine> raw, List<BrokenLine> broken) {
    boolean vmdk = text.toLowerCase(Locale.ROOT).contains(".vmdk");
    int n = text.length();
    int i = skipBlanks(text, 0);
    if (i == n || text.charAt(i) == '#') {
      return; // blank or comment
    }
    int nameStart = i;
    while (i < n && !isBlank(text.charAt(i)) && text.charAt(i) != '=' && text.charAt(i) != '#') {
      i++;
    }
    String key = text.substring(nameStart, i);
    i = skipBlanks(text, i);
    if (key.isEmpty()) {
      broken.add(new BrokenLine(line, "", "no name before '='", vmdk));
      return;
    }
    if (i == n || text.charAt(i) != '=') {
      broken.add(new BrokenLine(line, key, "no '=' after the name", vmdk));
      return;
    }
    i = skipBlanks(text, i + 1);
    String value;
    if (i < n && text.charAt(i) == '"') {
      int close = text.indexOf('"', i + 1);
      if (close < 0) {
        broken.add(new BrokenLine(line, key, "the value has no closing quote", vmdk));
        return;
      }
      value = text.substring(i + 1, close);
      i = close + 1;
    } else {
      int valueStart = i;
      while (i < n && !isBlank(text.charAt(i)) && text.charAt(i) != '#') {
        i++;
      }
      value = text.substring(valueStart, i);
    }
    i = skipBlanks(text, i);
    if (i < n && text.charAt(i) != '#') {
      broken.add(new BrokenLine(line, key, "text after the value", vmdk));
      return;
    }
    raw.add(new RawLine(line, key, value, vmdk));
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Escape_Undo('|'): '|' and two hex digits (either case) become that byte; a '|' not followed by
   * two hex digits stays as it is, and so does the character after it (VMware's state machine does
   * not look at it again).
   */
  static byte[] unescape(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    int state = 0;
    int high = 0;
    int unescapedFrom = 0;
    for (int i = 0; i < in.length; i++) {
      if (state == 0) {
        state = in[i] == '|' ? 1 : 0;
      } else if (state == 1) {
        high = hex(in[i]);
        state = high >= 0 ? 2 : 0;
      } else {
        int low = hex(in[i]);
        if (low >= 0) {
          out.write(in, unescapedFrom, i - 2 - unescapedFrom);
          out.write(high << 4 | low);
          unescapedFrom = i + 1;
        }
        state = 0;
      }
    }
    out.write(in, unescapedFrom, in.length - unescapedFrom);
    return out.toByteArray();
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static Charset charsetOf(List<RawLine> raw, Path file) throws VmdkException {
    List<RawLine> declared =
        raw.stream().filter(r -> r.key().equalsIgnoreCase(".encoding")).toList();
    if (declared.isEmpty()) {
      // VMware has written .encoding since 6.0; a file without it is read as UTF-8.
      return StandardCharsets.UTF_8;
    }
    if (declared.size() > 1) {
      throw new CorruptImageException(
          file,
          ".encoding",
          "declared on lines "
              + declared.get(0).line()
              + " and "
              + declared.get(1).line()
              + ": VMware refuses a file holding a name twice");
    }
    String name =
        new String(
            unescape(declared.get(0).value().getBytes(StandardCharsets.ISO_8859_1)),
            StandardCharsets.ISO_8859_1);
    return VmwareCharsets.of(name, file, ".encoding", "its values");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static UnsupportedImageException tooLarge(Path file, long size) {
    return new UnsupportedImageException(
        file,
        "",
        "larger than a .vmx configuration this tool reads ("
            + size
            + " bytes, at most "
            + MAX_BYTES
            + "); VMware's are a few KiB");
  }
}
