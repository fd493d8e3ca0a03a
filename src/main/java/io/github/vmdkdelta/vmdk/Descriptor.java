package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A VMDK text descriptor as an ordered list of lines that re-encodes byte for byte. An edit changes
 * one value on one line and leaves every other byte, line ending and comment as found.
 *
 * <p>Structure is read as ISO-8859-1, so that every byte maps to one char and back; file names in
 * values are decoded with the descriptor's declared {@code encoding} (UTF-8 when none is declared)
 * only when asked for through {@link #fileNameCharset()}.
 */
public final class Descriptor {
  private final List<String> lines;

  private Descriptor(List<String> lines) {
    this.lines = lines;
  }

  /**
   * Parses descriptor text. For an embedded descriptor pass the bytes before the first NUL.
   *
   * @throws CorruptImageException when the text is not a descriptor or a key is missing or repeated
   */
  public static Descriptor parse(byte[] text, Path file) throws VmdkException {
    String all = new String(text, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < all.length()) {
      int nl = all.indexOf('\n', start);
      int end = nl < 0 ? all.length() : nl + 1;
      lines.add(all.substring(start, end));
      start = end;
    }
    Descriptor d = new Descriptor(lines);
    d.validate(file);
    return d;
  }

  /** Builds a descriptor from text lines; each must end with its line terminator. */
  public static Descriptor ofLines(List<String> lines, Path file) throws VmdkException {
    Descriptor d = new Descriptor(new ArrayList<>(lines));
    d.validate(file);
    return d;
  }

  private void validate(Path file) throws VmdkException {
    if (lines.stream().noneMatch(Descriptor::isTitleLine)) {
      throw new CorruptImageException(
          file, "descriptor", "no \"# Disk DescriptorFile\" line: not a VMDK descriptor");
    }
    for (String key : new String[] {"CID", "createType"}) {
      int count = count(key);
      if (count == 0) {
        throw new CorruptImageException(file, "descriptor", "missing " + key + " entry");
      }
      if (count > 1) {
        throw new CorruptImageException(
            file, "descriptor", key + " entry appears " + count + " times (expected once)");
      }
    }
    for (String key : new String[] {"parentCID", "parentFileNameHint", "encoding", "version"}) {
      if (count(key) > 1) {
        throw new CorruptImageException(
            file, "descriptor", key + " entry appears " + count(key) + " times (expected once)");
      }
    }
    contentId(file, "CID");
    if (get("parentCID").isPresent()) {
      contentId(file, "parentCID");
    }
    for (String line : lines) {
      if (Extent.looksLikeExtent(line)) {
        Extent.parse(line, file);
      }
    }
  }

  /**
   * The line that makes text a descriptor, in any of the spellings tools write: {@code # Disk
   * DescriptorFile} (VMware, qemu), {@code # Disk Descriptor File}, {@code #Disk Descriptor File},
   * {@code #Disk DescriptorFile} (raw-disk wrapper tools; VirtualBox's vmdkPreprocessDescriptor
   * accepts all four, qemu reads the text without looking for any). Section titles ({@code # Extent
   * description}, {@code # The Disk Data Base}, {@code #DDB}, ...) are comments to every reader.
   */
  private static boolean isTitleLine(String line) {
    String s = line.strip();
    return s.startsWith("#")
        && s.substring(1).replace(" ", "").equalsIgnoreCase("DiskDescriptorFile");
  }

  private int count(String key) {
    int n = 0;
    for (String line : lines) {
      if (keyOf(line).filter(key::equals).isPresent()) {
        n++;
      }
    }
    return n;
  }

  private ContentId contentId(Path file, String key) throws VmdkException {
    String value = get(key).orElseThrow();
    return ContentId.parse(value, file, key);
  }

  /** The descriptor's {@code CID}. */
  public ContentId cid(Path file) throws VmdkException {
    return contentId(file, "CID");
  }

  /** The descriptor's {@code parentCID}; absent on most base disks. */
  public Optional<ContentId> parentCid(Path file) throws VmdkException {
    return get("parentCID").isPresent()
        ? Optional.of(contentId(file, "parentCID"))
        : Optional.empty();
  }

  /** The {@code createType} value, without quotes. */
  public String createType() {
    return get("createType").orElseThrow();
  }

  /** The raw {@code parentFileNameHint} value (ISO-8859-1 view of the bytes), without quotes. */
  public Optional<String> parentFileNameHintRaw() {
    return get("parentFileNameHint");
  }

  /**
   * The charset file names are written in: the declared {@code encoding}, or UTF-8.
   *
   * @throws UnsupportedImageException when the declared encoding is unknown to Java or not
   *     ASCII-compatible
   */
  public Charset fileNameCharset(Path file) throws VmdkException {
    Optional<String> declared = get("encoding");
    if (declared.isEmpty()) {
      return StandardCharsets.UTF_8;
    }
    return charsetOf(declared.get(), file);
  }

  /**
   * The Java charset for a declared encoding, as VMware means it. VMware declares the name its
   * Unicode library gives the host's code page (open-vm-tools lib/unicode/unicodeSimpleTypes.c,
   * table xRef: "windows-1250" to "windows-1258", "Shift_JIS" for 932, "GBK" for 936,
   * "windows-949-2000" for 949, "Big5" for 950, "UTF-8", "ISO-8859-2", "KS_C_5601-1987" ...) and
   * converts with ICU, whose Shift_JIS, Big5 and windows-949-2000 are Windows code pages 932, 950
   * and 949. Java's Shift_JIS and Big5 lack those code pages' extensions and read some of their
   * bytes as other characters (～ U+FF5E, ／, ＼), its cp949 is IBM's code page, and it knows no
   * "-2000" name: those names are mapped here. Names compare as VMware compares them
   * (UnicodeNormalizeEncodingName): letters and digits only, in any case.
   */
  private static final Map<String, String> VMWARE_CODE_PAGES =
      Map.ofEntries(
          Map.entry("shiftjis", "windows-31j"),
          Map.entry("sjis", "windows-31j"),
          Map.entry("xsjis", "windows-31j"),
          Map.entry("mskanji", "windows-31j"),
          Map.entry("cp932", "windows-31j"),
          Map.entry("ms932", "windows-31j"),
          Map.entry("windows932", "windows-31j"),
          Map.entry("big5", "x-windows-950"),
          Map.entry("csbig5", "x-windows-950"),
          Map.entry("xbig5", "x-windows-950"),
          Map.entry("cp950", "x-windows-950"),
          Map.entry("ms950", "x-windows-950"),
          Map.entry("windows950", "x-windows-950"),
          Map.entry("windows9502000", "x-windows-950"),
          Map.entry("windows9362000", "GBK"),
          Map.entry("cp949", "x-windows-949"),
          Map.entry("ms949", "x-windows-949"),
          Map.entry("windows949", "x-windows-949"),
          Map.entry("windows9492000", "x-windows-949"),
          Map.entry("windows874", "x-windows-874"),
          Map.entry("windows8742000", "x-windows-874"));

  /** Charsets checked by {@link #readableByteByByte}, with the answer. */
  private static final Map<Charset, Boolean> CHECKED = new ConcurrentHashMap<>();

  private static Charset charsetOf(String declared, Path file) throws UnsupportedImageException {
    String key = declared.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    Charset charset;
    try {
      charset = Charset.forName(VMWARE_CODE_PAGES.getOrDefault(key, declared));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedImageException(
          file,
          "descriptor",
          "unknown encoding (\"" + declared + "\"): this tool cannot read file names in it");
    }
    if (!CHECKED.computeIfAbsent(charset, Descriptor::readableByteByByte)) {
      throw new UnsupportedImageException(
          file,
          "descriptor",
          "encoding \""
              + declared
              + "\" is not ASCII-compatible: file names in it cannot be told apart from the"
              + " descriptor's quotes and line ends");
    }
    return charset;
  }

  /**
   * Whether a charset keeps ASCII as itself and writes no other character with a control byte or a
   * quote: then the descriptor's structure can be read byte by byte (as this class does) and a file
   * name's bytes lie between its quotes. True of UTF-8, the Windows and ISO-8859 code pages, EUC,
   * Shift_JIS, GBK, Big5 and code page 949 (whose second bytes are 0x40 or more); false of UTF-16,
   * EBCDIC and the stateful ISO-2022 encodings (escape bytes).
   */
  private static boolean readableByteByByte(Charset charset) {
    if (!charset.canEncode()) {
      return false;
    }
    try {
      CharsetEncoder strict = charset.newEncoder();
      for (char c = 0x20; c < 0x7f; c++) {
        ByteBuffer b = strict.reset().encode(CharBuffer.wrap(String.valueOf(c)));
        if (b.remaining() != 1 || b.get(0) != c) {
          return false;
        }
      }
      StringBuilder others = new StringBuilder(0x10000);
      for (int c = 0x80; c < 0x10000; c++) {
        if (!Character.isSurrogate((char) c)) {
          others.append((char) c);
        }
      }
      ByteBuffer b =
          charset
              .newEncoder()
              .onMalformedInput(CodingErrorAction.IGNORE)
              .onUnmappableCharacter(CodingErrorAction.IGNORE)
              .encode(CharBuffer.wrap(others));
      while (b.hasRemaining()) {
        int v = b.get() & 0xff;
        if (v < 0x20 || v == '"' || v == 0x7f) {
          return false;
        }
      }
      return true;
    } catch (CharacterCodingException | RuntimeException e) {
      return false;
    }
  }

  /** Decodes a raw value (as returned by this class) into a file name with the given charset. */
  public static String decodeName(String raw, Charset charset) {
    return new String(raw.getBytes(StandardCharsets.ISO_8859_1), charset);
  }

  /**
   * Encodes a file name as a raw value for this descriptor.
   *
   * @throws UnsupportedImageException when the charset cannot represent the name
   */
  public static String encodeName(String name, Charset charset, Path file) throws VmdkException {
    CharsetEncoder encoder =
        charset
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (!encoder.canEncode(name) || name.indexOf('"') >= 0 || name.indexOf('\n') >= 0) {
      throw new UnsupportedImageException(
          file,
          "descriptor",
          "file name cannot be written in the descriptor's encoding ("
              + name
              + ", "
              + charset.name()
              + ")");
    }
    return new String(name.getBytes(charset), StandardCharsets.ISO_8859_1);
  }

  /** The value of {@code key}, unquoted, or empty. Keys are compared exactly. */
  public Optional<String> get(String key) {
    for (String line : lines) {
      if (keyOf(line).filter(key::equals).isPresent()) {
        return Optional.of(unquote(rawValueOf(line)));
      }
    }
    return Optional.empty();
  }

  /**
   * A copy of this descriptor where the line of {@code key} holds {@code value} (quoted when the
   * old value was quoted) and nothing else changed.
   */
  public Descriptor with(String key, String value) {
    List<String> copy = new ArrayList<>(lines);
    for (int i = 0; i < copy.size(); i++) {
      String line = copy.get(i);
      if (keyOf(line).filter(key::equals).isPresent()) {
        copy.set(i, replaceValue(line, value));
        return new Descriptor(copy);
      }
    }
    throw new IllegalArgumentException("no " + key + " entry");
  }

  /** The extent lines, in order. */
  public List<Extent> extents(Path file) throws VmdkException {
    List<Extent> result = new ArrayList<>();
    for (String line : lines) {
      if (Extent.looksLikeExtent(line)) {
        result.add(Extent.parse(line, file));
      }
    }
    return result;
  }

  /**
   * A copy where the {@code index}-th extent line names {@code rawFileName} and nothing else
   * changed.
   */
  public Descriptor withExtentFileName(int index, String rawFileName) {
    List<String> copy = new ArrayList<>(lines);
    int seen = 0;
    for (int i = 0; i < copy.size(); i++) {
      if (Extent.looksLikeExtent(copy.get(i)) && seen++ == index) {
        copy.set(i, Extent.replaceFileName(copy.get(i), rawFileName));
        return new Descriptor(copy);
      }
    }
    throw new IllegalArgumentException("no extent " + index);
  }

  /** The lines of the Disk Data Base: {@code ddb.*} entries, in order, with their terminators. */
  public List<String> ddbLines() {
    List<String> result = new ArrayList<>();
    for (String line : lines) {
      if (keyOf(line).filter(k -> k.startsWith("ddb.")).isPresent()) {
        result.add(line);
      }
    }
    return result;
  }

  /** All lines, each with its terminator (the last one may have none). */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The exact bytes: parse followed by encode gives back the input. */
  public byte[] encode() {
    return String.join("", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The key of a {@code key = value} line, or empty for comments, blanks and extents. */
  public static Optional<String> keyOf(String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return Optional.empty();
    }
    int eq = s.indexOf('=');
    int quote = s.indexOf('"');
    if (eq <= 0 || (quote >= 0 && quote < eq)) {
      return Optional.empty();
    }
    return Optional.of(s.substring(0, eq).strip());
  }

  private static String rawValueOf(String line) {
    int eq = line.indexOf('=');
    return stripComment(line.substring(eq + 1)).strip();
  }

  /** Drops a trailing {@code # comment} that stands outside quotes. */
  private static String stripComment(String s) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static String replaceValue(String line, String value) {
    int eq = line.indexOf('=');
    String after = line.substring(eq + 1);
    String raw = rawValueOf(line);
    int at = after.indexOf(raw);
    String replacement = raw.startsWith("\"") ? "\"" + value + "\"" : value;
    return line.substring(0, eq + 1)
        + after.substring(0, at)
        + replacement
        + after.substring(at + raw.length());
  }
}
