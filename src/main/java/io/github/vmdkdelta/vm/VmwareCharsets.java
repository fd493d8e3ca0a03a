package io.github.vmdkdelta.vm;

import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java charset for a {@code .encoding} a {@code .vmx} declares, as VMware means it. The same
 * mapping as the descriptor reader's on branch helper-descriptors (vmdk/Descriptor): one place of
 * it is for a later merge, so it is kept in this one small class.
 *
 * <p>VMware declares the name its Unicode library gives the host's code page (open-vm-tools
 * lib/unicode/unicodeSimpleTypes.c: "windows-1252", "Shift_JIS" for 932, "GBK" for 936,
 * "windows-949-2000" for 949, "Big5" for 950, "UTF-8" ...) and converts with ICU, whose Shift_JIS,
 * Big5 and windows-949-2000 are the Windows code pages 932, 950 and 949. Java's Shift_JIS and Big5
 * lack those code pages' extensions, its cp949 is IBM's, and it knows no "-2000" name: those names
 * are mapped here. Names compare as VMware compares them (UnicodeNormalizeEncodingName): letters
 * and digits only, in any case.
 */
final class VmwareCharsets {
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

  private static final Map<Charset, Boolean> CHECKED = new ConcurrentHashMap<>();

  private VmwareCharsets() {}

  /**
   * The charset of {@code declared}.
   *
   * @throws UnsupportedImageException when Java lacks it, or its bytes cannot be read line by line
   *     and quote by quote (UTF-16, EBCDIC, ISO-2022: VMware never declares these)
   */
  static Charset of(String declared, Path file) throws UnsupportedImageException {
    String key = declared.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    Charset charset;
    try {
      charset = Charset.forName(VMWARE_CODE_PAGES.getOrDefault(key, declared));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedImageException(
          file, ".encoding", "unknown encoding (\"" + declared + "\"): its values cannot be read");
    }
    if (!CHECKED.computeIfAbsent(charset, VmwareCharsets::readableByteByByte)) {
      throw new UnsupportedImageException(
          file,
          ".encoding",
          "encoding \""
              + declared
              + "\" is not ASCII-compatible: its values cannot be told apart from the quotes and"
              + " line ends");
    }
    return charset;
  }

  /** The charset of a file that declares none (VMware has written {@code .encoding} since 6.0). */
  static Charset undeclared() {
    return StandardCharsets.UTF_8;
  }

  /**
   * Whether the charset keeps printable ASCII as itself and writes no other character with a
   * control byte or a quote: then lines and quotes can be found byte by byte, as VMware's
   * dictionary reader (open-vm-tools lib/dict/dictll.c) finds them. A '|' or a backslash can be the
   * second byte of a Shift_JIS or GBK character; VMware writes such a '|' as "|7C" and this reader
   * undoes escapes on bytes, before decoding, as VMware does.
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
