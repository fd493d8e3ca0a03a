package io.github.vmdkdelta.vmdk;

import java.nio.file.Path;
import java.util.random.RandomGenerator;

/**
 * A 32-bit content id ({@code CID}), written as 8 hex digits. A writer changes it when it first
 * changes a disk's data; a child records its parent's in {@code parentCID}.
 *
 * @param value the 32 bits
 */
public record ContentId(int value) {
  /** {@code parentCID=ffffffff}: no parent. */
  public static final ContentId NO_PARENT = new ContentId(0xffffffff);

  /** Reserved by VMware (open-vmdk) alongside {@link #NO_PARENT}; never generated. */
  private static final int RESERVED = 0xfffffffe;

  /** Parses 1 to 8 hex digits. */
  public static ContentId parse(String text, Path file, String key) throws VmdkException {
    String t = text.strip();
    if (t.isEmpty() || t.length() > 8 || !t.chars().allMatch(ContentId::isHexDigit)) {
      throw new CorruptImageException(
          file, "descriptor", key + " is not 8 hex digits (\"" + t + "\")");
    }
    return new ContentId(Integer.parseUnsignedInt(t, 16));
  }

  private static boolean isHexDigit(int c) {
    return Character.digit(c, 16) >= 0 && c < 128;
  }

  /** A fresh random id that is neither of the values VMware reserves. */
  public static ContentId random(RandomGenerator random) {
    int v;
    do {
      v = random.nextInt();
    } while (v == NO_PARENT.value || v == RESERVED);
    return new ContentId(v);
  }

  /** 8 lowercase hex digits, as qemu and VMware write it. */
  // equals and hashCode written out, as a record's would be: the generated ones bootstrap
  // method handles at their first call, some 30 classes spun at every start of make.
  @Override
  public boolean equals(Object other) {
    return other instanceof ContentId c && c.value == value;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(value);
  }

  @Override
  public String toString() {
    // Padded by hand: String.format sets up a Formatter, on make's path at every start.
    String hex = Integer.toHexString(value);
    return "0".repeat(8 - hex.length()) + hex;
  }
}
