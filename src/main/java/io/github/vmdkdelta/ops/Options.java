package io.github.vmdkdelta.ops;

/**
 * The safety overrides a user can ask for. Both are off by default.
 *
 * @param force go ahead despite a VMware lock (after saying who holds it): for stale locks left by
 *     a crash
 * @param allowParentsOutsideFolder follow parent hints that leave the disk's folder, for reading;
 *     no such parent is ever renamed
 */
public record Options(boolean force, boolean allowParentsOutsideFolder) {
  /** Every safety check on. */
  public static final Options DEFAULT = new Options(false, false);
}
