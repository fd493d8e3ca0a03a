package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a file vmdk-delta creates looks like: its length and its first bytes (the sparse header and
 * the start of the descriptor, with its CID, or a descriptor file's text). Recovery tells by it
 * whether a file under a name is the one it created, whole or torn by a power cut, and not the
 * user's disk, whose CID always differs: names alone can lie when a rename or a creation was lost.
 *
 * @param length the file's length
 * @param head its first {@link #HEAD} bytes (fewer for a shorter file)
 */
record FileFingerprint(long length, byte[] head) {
  /** Eight sectors: the header and the first descriptor lines of every file we create. */
  static final int HEAD = 4096;

  FileFingerprint {
    head = head.clone();
  }

  @Override
  public byte[] head() {
    return head.clone();
  }

  static FileFingerprint of(SparseFileImage image) {
    byte[] head = new byte[(int) Math.min(HEAD, image.length())];
    for (SparseFileImage.Region r : image.regions()) {
      if (r.offset() < head.length) {
        int n = (int) Math.min(r.bytes().length, head.length - r.offset());
        System.arraycopy(r.bytes(), 0, head, (int) r.offset(), n);
      }
    }
    return new FileFingerprint(image.length(), head);
  }

  /** Whether {@code file} is this file, whole. */
  boolean matches(SafeFileOperations ops, Path file) throws IOException {
    return Files.size(file) == length && Arrays.equals(ops.read(file, 0, head.length), head);
  }

  /**
   * Whether {@code file} is this file or what a power cut can leave of its creation: no longer, and
   * each sector of its head either written or still zeros.
   */
  boolean matchesWholeOrTorn(SafeFileOperations ops, Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > length) {
      return false;
    }
    byte[] now = ops.read(file, 0, head.length);
    return TornSectors.eachSectorOneOf(now, 0, head, new byte[now.length]);
  }
}
