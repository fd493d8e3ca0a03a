package io.github.vmdkdelta.vmdk;

/**
 * An in-place change of bytes in a file, with the bytes it replaces so that it can be undone.
 *
 * @param offset byte offset in the file
 * @param before the bytes there now
 * @param after the bytes to write, the same length
 */
public record ByteRewrite(long offset, byte[] before, byte[] after) {
  public ByteRewrite {
    if (before.length != after.length) {
      throw new IllegalArgumentException("before and after differ in length");
    }
    before = before.clone();
    after = after.clone();
  }

  @Override
  public byte[] before() {
    return before.clone();
  }

  @Override
  public byte[] after() {
    return after.clone();
  }
}
