package io.github.vmdkdelta.vmdk;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java charset for an encoding name VMware declares, in a descriptor's {@code encoding} or a
 * {@code .vmx}'s {@code .encoding}, as VMware means it. VMware declares the name its Unicode
 * library gives the host's code page (open-vm-tools lib/unicode/unicodeSimpleTypes.c, table xRef:
 * "windows-1250" to "windows-1258", "Shift_JIS" for 932, "GBK" for 936, "windows-949-2000" for 949,
 * "Big5" for 950, "UTF-8", "ISO-8859-2", "KS_C_5601-1987" ...) and converts with ICU, whose
 * Shift_JIS, Big5 and windows-949-2000 are Windows code pages 932, 950 and 949. Java's Shift_JIS
 * and Big5 lack those code pages' extensions and read some of their bytes as other characters (～
 * U+FF5E, ／, ＼), its cp949 is IBM's code page, and it knows no "-2000" name: those names are mapped
 * here. Names compare as VMware compares them (UnicodeNormalizeEncodingName): letters and digits
 * only, in any case.
 */
public final class VmwareCharsets {
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

  private VmwareCharsets() {}

  /**
   * The charset of {@code declared}, found in {@code file}'s {@code field}.
   *
   * @param values what the file writes in that charset ("file names", "its values"), for messages
   * @throws UnsupportedImageException when Java lacks it, or its bytes cannot be read line by line
   *     and quote by quote (UTF-16, EBCDIC, ISO-2022: VMware never declares these)
   */
  public static Charset of(String declared, Path file, String field, String values)
      throws UnsupportedImageException {
    String key = declared.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    Charset charset;
    try {
      charset = Charset.forName(VMWARE_CODE_PAGES.getOrDefault(key, declared));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedImageException(
          file, field, "unknown encoding (\"" + declared + "\"): " + values + " cannot be read");
    }
    if (!CHECKED.computeIfAbsent(charset, VmwareCharsets::readableByteByByte)) {
      throw new UnsupportedImageException(
          file,
          field,
          "encoding \""
              + declared
              + "\" is not ASCII-compatible: "
              + values
              + " cannot be told apart from the quotes and line ends");
    }
    return charset;
  }

  /**
   * Whether a charset keeps ASCII as itself and writes no other character with a control byte or a
   * quote: then the structure of a descriptor or a {@code .vmx} can be read byte by byte (as
   * VMware's dictionary reader, open-vm-tools lib/dict/dictll.c, does) and a value's bytes lie
   * between its quotes. True of UTF-8, the Windows and ISO-8859 code pages, EUC, Shift_JIS, GBK,
   * Big5 and code page 949 (whose second bytes are 0x40 or more); false of UTF-16, EBCDIC and the
   * stateful ISO-2022 encodings (escape bytes).
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
}
