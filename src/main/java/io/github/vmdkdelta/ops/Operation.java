package io.github.vmdkdelta.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.random.RandomGenerator;

/**
 * What {@code make}, {@code delete}, {@code revert} and {@code commit} share: the file layer, the
 * user's options, planning in full before anything changes, and running the plan as a {@link
 * Transaction}. Each states what it needs of the chain in its {@link Preconditions}.
 *
 * @param <P> the operation's checked plan
 */
abstract class Operation<P extends PlannedOperation> {
  /** The file layer every change goes through. */
  final SafeFileOperations ops;

  /** Source of new CIDs and identity values (unused by {@code delete}). */
  final RandomGenerator random;

  /** Safety overrides the user asked for. */
  final Options options;

  private final Preconditions preconditions;

  Operation(
      Preconditions preconditions,
      SafeFileOperations ops,
      RandomGenerator random,
      Options options) {
    this.preconditions = preconditions;
    this.ops = ops;
    this.random = random;
    this.options = options;
  }

  /**
   * Checks the chain of {@code disk} and plans the steps; nothing is changed.
   *
   * @throws io.github.vmdkdelta.vmdk.VmdkException when a precondition is not met (the chain is
   *     damaged, unsupported, broken or in use, the disk is no delta where one is needed) or a name
   *     the operation needs is taken
   */
  public P plan(Path disk) throws IOException {
    return plan(disk, new MetadataCheck());
  }

  /** {@link #plan(Path)}, scanning grain tables through {@code metadata}. */
  final P plan(Path disk, MetadataCheck metadata) throws IOException {
    return plan(disk, preconditionsOf(disk), metadata);
  }

  /** The preconditions, checked on {@code disk}. */
  Preconditions.Met preconditionsOf(Path disk) throws IOException {
    return preconditions.check(disk, options);
  }

  /** Plans the steps on {@code disk}, which met the preconditions. */
  abstract P plan(Path disk, Preconditions.Met met, MetadataCheck metadata) throws IOException;

  /**
   * Plans and carries out the operation as one transaction: on failure the folder is as it was; if
   * the process dies, the next run (or {@link Recovery}) finishes or undoes it.
   */
  Transaction.Outcome<P> execute(Path disk) throws IOException {
    return execute(disk, this::plan);
  }

  /** {@link #execute(Path)}, planning with {@code planner}. */
  Transaction.Outcome<P> execute(Path disk, Transaction.Planner<P> planner) throws IOException {
    return Transaction.execute(ops, disk, preconditions.verb(), planner);
  }
}
