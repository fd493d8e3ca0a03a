package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import java.nio.file.Path;

/**
 * Resolves a {@code parentFileNameHint} the way qemu does (relative to the child's folder), but
 * only when it stays inside that folder: an absolute hint, a drive letter, or one that climbs out
 * with {@code ..} is refused, so that following a hint can never lead an operation to rename a file
 * elsewhere.
 */
final class ParentHint {
  private ParentHint() {}

  /**
   * The parent's path.
   *
   * @param child the child disk (its folder is the base)
   * @param hint the decoded hint
   * @throws BrokenChainException when the hint is empty or leaves the folder
   */
  public static Path resolve(Path child, String hint) throws BrokenChainException {
    return resolve(child, hint, false);
  }

  /**
   * The parent's path; with {@code allowOutside}, absolute hints and hints leaving the folder are
   * followed too (for reading only: operations never rename such a parent).
   */
  public static Path resolve(Path child, String hint, boolean allowOutside)
      throws BrokenChainException {
    if (allowOutside && !hint.isEmpty() && hint.indexOf('\0') < 0) {
      Path folder = child.toAbsolutePath().getParent();
      try {
        return folder.resolve(hint.replace('\\', '/')).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw unsafe(child, hint);
      }
    }
    String h = hint.replace('\\', '/');
    if (h.isEmpty()
        || h.startsWith("/")
        || (h.length() >= 2 && h.charAt(1) == ':')
        || h.indexOf('\0') >= 0) {
      throw unsafe(child, hint);
    }
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : h.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.pollLast() == null) {
          throw unsafe(child, hint);
        }
      } else {
        parts.addLast(part);
      }
    }
    if (parts.isEmpty()) {
      throw unsafe(child, hint);
    }
    Path relative = Path.of(parts.removeFirst(), parts.toArray(String[]::new));
    Path folder = child.getParent();
    return folder == null ? relative : folder.resolve(relative);
  }

  private static BrokenChainException unsafe(Path child, String hint) {
    return new BrokenChainException(
        child,
        "parentFileNameHint",
        "parent hint leaves the disk's folder (\""
            + hint
            + "\", expected a file name in the same folder)");
  }
}
