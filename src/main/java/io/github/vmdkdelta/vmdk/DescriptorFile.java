package io.github.vmdkdelta.vmdk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A text descriptor file, the first file of a split or flat disk ({@code sd0.vmdk} beside {@code
 * sd0-s001.vmdk} or {@code sd0-flat.vmdk}). VMware writes about 1 KiB of text.
 */
public final class DescriptorFile {
  /** Largest descriptor file read: it is read into memory whole. */
  public static final int MAX_BYTES = 1 << 20;

  private final Descriptor descriptor;
  private final byte[] tail;

  private DescriptorFile(Descriptor descriptor, byte[] tail) {
    this.descriptor = descriptor;
    this.tail = tail;
  }

  /**
   * True when the file starts like descriptor text rather than like a binary extent: it is how qemu
   * tells the two apart ({@code vmdk_open} looks at the magic first).
   */
  public static boolean looksLikeText(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(4);
      String s = new String(head, StandardCharsets.ISO_8859_1);
      return s.startsWith("#") || s.equalsIgnoreCase("vers");
    }
  }

  /**
   * Reads and parses a descriptor file. The text ends at the first NUL byte: qemu pads the file
   * with NULs to a whole sector when it rewrites it. What follows is kept as found.
   *
   * @throws CorruptImageException when it is too large or is no descriptor
   */
  public static DescriptorFile read(Path path) throws IOException {
    long size = Files.size(path);
    if (size > MAX_BYTES) {
      throw new CorruptImageException(
          path,
          "descriptor",
          "descriptor file too large (" + size + " bytes, at most " + MAX_BYTES + ")");
    }
    byte[] all = Files.readAllBytes(path);
    int end = 0;
    while (end < all.length && all[end] != 0) {
      end++;
    }
    Descriptor d = Descriptor.parse(Arrays.copyOf(all, end), path);
    return new DescriptorFile(d, Arrays.copyOfRange(all, end, all.length));
  }

  /** The parsed text. */
  public Descriptor descriptor() {
    return descriptor;
  }

  /** The file's bytes with {@code replacement} as its text and the rest as it was. */
  public byte[] bytesWith(Descriptor replacement) {
    byte[] text = replacement.encode();
    byte[] out = Arrays.copyOf(text, text.length + tail.length);
    System.arraycopy(tail, 0, out, text.length, tail.length);
    return out;
  }
}
