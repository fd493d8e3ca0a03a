package io.github.vmdkdelta.vmdk;

/** What a grain table entry says about a grain; {@link GrainEntries#stateOf} tells which. */
public enum GrainState {
  /** Not in this extent: read the parent, or zeros in a base. */
  UNALLOCATED,
  /** Reads as zeros and hides the parent (an entry of 1, in extents that allow it). */
  ZEROED,
  /** The grain's data starts at the sector the entry holds. */
  DATA
}
