package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.ContentId;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A delta whose {@code parentCID} is not its parent's {@code CID}: the parent changed after the
 * delta was made, so the delta's grains may no longer fit the data under them. Whether that stops
 * an operation depends on the operation; what it is, is said here only.
 *
 * @param child the delta
 * @param parentCid the delta's {@code parentCID}
 * @param parent its parent
 * @param cid the parent's {@code CID}
 */
public record CidMismatch(Path child, ContentId parentCid, Path parent, ContentId cid) {
  /** The mismatch of the link from {@code child} to {@code parent}, if there is one. */
  public static Optional<CidMismatch> of(DiskLayer child, DiskLayer parent) {
    ContentId parentCid = child.parentCid().orElseThrow();
    return parentCid.equals(parent.cid())
        ? Optional.empty()
        : Optional.of(new CidMismatch(child.path(), parentCid, parent.path(), parent.cid()));
  }

  /** The problem, naming the parent by its file name. */
  public String message() {
    return message(parent.getFileName().toString());
  }

  /** The problem, naming the parent as {@code parentName}. */
  public String message(String parentName) {
    return "does not match the parent's CID (parentCID "
        + parentCid
        + ", "
        + parentName
        + " has CID "
        + cid
        + "): the parent was changed after this delta was made; VMware refuses to open the disk";
  }

  /** The refusal of an operation that would build on the mismatch. */
  public BrokenChainException refusal() {
    return new BrokenChainException(child, "parentCID", message());
  }
}
