package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vm.VmDisk;
import io.github.vmdkdelta.vm.VmDisks;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * One of {@code make}, {@code delete}, {@code revert}, {@code commit} on every disk of a VM at
 * once, as one transaction: each disk is planned by its single-disk operation, with all its checks,
 * and the plans run as one {@link Plan} under one journal in the VM's folder. A failure or a kill
 * at any step ends, after the rollback or {@link Recovery}, with every disk as it was or every disk
 * changed.
 *
 * <p>Only disks in the {@code .vmx}'s folder are covered: recovery finds a folder's journal in that
 * folder, so a disk elsewhere could be left half-changed by a run that never looks there.
 *
 * @param <P> the single-disk operation's plan
 */
public final class VmOperation<P extends PlannedOperation> {
  private final SafeFileOperations ops;
  private final Options options;
  private final Verb<P> verb;

  /**
   * How one disk is planned; {@code progress} is for commit's merge, ignored elsewhere, and {@code
   * metadata} is shared by the plannings of one run.
   */
  @FunctionalInterface
  interface DiskPlanner<P> {
    P plan(Path disk, DeltaMerge.Progress progress, MetadataCheck metadata) throws IOException;
  }

  /**
   * The single-disk operation a VM's run repeats.
   *
   * @param name {@code make}, {@code delete}, {@code revert} or {@code commit}
   * @param needsDelta whether every disk must have a delta to act on
   * @param planner how one disk is planned
   * @param progressBytes the bytes a disk's plan reports progress over (commit's merge; 0 for the
   *     others, which report none)
   */
  private record Verb<P>(
      String name, boolean needsDelta, DiskPlanner<P> planner, ToLongFunction<P> progressBytes) {}

  private VmOperation(SafeFileOperations ops, Options options, Verb<P> verb) {
    this.ops = ops;
    this.options = options;
    this.verb = verb;
  }

  /** {@code make} on every disk, each as {@code make} does it (its file layer and options). */
  public static VmOperation<MakeDelta.MakePlan> make(MakeDelta make) {
    return new VmOperation<>(
        make.ops, make.options, new Verb<>("make", false, (d, p, m) -> make.plan(d, m), p -> 0));
  }

  /** {@code delete} of every disk's top delta, each as {@code delete} does it. */
  public static VmOperation<DeleteDelta.DeletePlan> delete(DeleteDelta delete) {
    return new VmOperation<>(
        delete.ops,
        delete.options,
        new Verb<>("delete", true, (d, p, m) -> delete.plan(d, m), p -> 0));
  }

  /** {@code revert} of every disk's top delta, each as {@code revert} does it. */
  public static VmOperation<RevertDelta.RevertPlan> revert(RevertDelta revert) {
    return new VmOperation<>(
        revert.ops,
        revert.options,
        new Verb<>("revert", true, (d, p, m) -> revert.plan(d, m), p -> 0));
  }

  /** {@code commit} of every disk's top delta, each as {@code commit} does it. */
  public static VmOperation<CommitDelta.CommitPlan> commit(CommitDelta commit) {
    return new VmOperation<>(
        commit.ops,
        commit.options,
        new Verb<>("commit", true, (d, p, m) -> commit.plan(d, p), CommitDelta.CommitPlan::bytes));
  }

  /**
   * What the operation will do to the VM, checked in full; nothing is changed.
   *
   * @param disk the VM's {@code .vmx}
   * @param vm its disks and the devices left out
   * @param perDisk the plan of each disk it acts on, in the VM's device order
   * @param plan their steps as one plan
   * @param warnings each disk's warnings, and the lines of the {@code .vmx} that were skipped
   */
  public record VmPlan<P extends PlannedOperation>(
      Path disk, VmDisks vm, List<P> perDisk, Plan plan, List<Warning> warnings)
      implements PlannedOperation {
    public VmPlan {
      perDisk = List.copyOf(perDisk);
      warnings = List.copyOf(warnings);
    }

    /** The disks it acts on (absolute, as {@link VmDisk#path}), in the VM's device order. */
    public List<Path> disks() {
      return perDisk.stream().map(PlannedOperation::disk).toList();
    }

    /** The sum of the disks' needs, checked free in the VM's folder. */
    @Override
    public long spaceNeeded() {
      return perDisk.stream().mapToLong(PlannedOperation::spaceNeeded).sum();
    }
  }

  /** What the operation did: the plans that ran, and notes (recovery, clean-up warnings). */
  public record VmResult<P extends PlannedOperation>(VmPlan<P> planned, List<Warning> warnings) {}

  /** Plans the operation on every disk of {@code vmx}. */
  public VmPlan<P> plan(Path vmx) throws IOException {
    return plan(vmx, List.of(), DeltaMerge.Progress.NONE);
  }

  /** {@link #plan(Path, List, DeltaMerge.Progress)}, with every safety check's own files. */
  public VmPlan<P> plan(Path vmx, List<Path> only, DeltaMerge.Progress progress)
      throws IOException {
    return plan(vmx, only, progress, new MetadataCheck());
  }

  /**
   * Plans the operation on the disks of {@code vmx}.
   *
   * @param only the disks to act on, as the user named them (empty: all); each must be one of the
   *     VM's disks
   * @param progress for commit: the merged bytes over the whole VM's
   * @throws UnsupportedImageException (exit 4) for a disk outside the VM's folder, or one without a
   *     delta when {@code only} is empty
   * @throws IllegalArgumentException when a disk in {@code only} is none of the VM's
   */
  VmPlan<P> plan(Path vmx, List<Path> only, DeltaMerge.Progress progress, MetadataCheck metadata)
      throws IOException {
    VmDisks vm = VmDisks.read(vmx).requireDisks();
    List<Path> disks = VmSelection.of(vm, only);
    SafetyChecks safety = new SafetyChecks(options);
    safety.requireUnlocked(vmx);
    if (verb.needsDelta() && only.isEmpty()) {
      requireEveryDiskHasDelta(vmx, disks);
    }

    // Commit reports progress over every disk's merge: each disk's offset is known once all are
    // planned, before any merge runs.
    long[] offsets = new long[disks.size()];
    long[] total = new long[1];
    List<P> plans = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      int index = i;
      plans.add(
          verb.planner()
              .plan(
                  disks.get(i),
                  (done, all) -> progress.update(offsets[index] + done, total[0]),
                  metadata));
    }
    for (int i = 0; i < plans.size(); i++) {
      offsets[i] = total[0];
      total[0] += verb.progressBytes().applyAsLong(plans.get(i));
    }

    List<FileStep> steps = new ArrayList<>();
    List<FileStep> cleanup = new ArrayList<>();
    // Every disk's checks look at the .vmx's lock too: say each thing once.
    Set<Warning> warnings = new LinkedHashSet<>(safety.warnings());
    for (P p : plans) {
      steps.addAll(p.plan().steps());
      cleanup.addAll(p.plan().cleanup());
      warnings.addAll(p.warnings());
    }
    for (var skipped : vm.skippedLines()) {
      warnings.add(new Warning.VmxLineSkipped(vmx, skipped.line(), skipped.problem()));
    }
    requireNoNameTwice(vmx, plans);
    // Each disk's own plan checked who depends on its files; together they need the sum of their
    // room, in the one folder.
    var planned = new VmPlan<>(vmx, vm, plans, new Plan(steps, cleanup), List.copyOf(warnings));
    safety.requireRoom(DiskNames.folderOf(vmx), planned.spaceNeeded());
    return planned;
  }

  /**
   * Plans and carries out the operation on every disk of {@code vmx} as one transaction.
   *
   * @param only as for {@link #plan(Path, List, DeltaMerge.Progress)}
   * @param progress for commit: told the merged bytes over the whole VM's after each batch
   */
  public VmResult<P> run(Path vmx, List<Path> only, DeltaMerge.Progress progress)
      throws IOException {
    var outcome = Transaction.execute(ops, vmx, verb.name(), (v, m) -> plan(v, only, progress, m));
    return new VmResult<>(outcome.planned(), outcome.warnings());
  }

  /** {@link #run(Path, List, DeltaMerge.Progress)} on every disk, without progress reports. */
  public VmResult<P> run(Path vmx) throws IOException {
    return run(vmx, List.of(), DeltaMerge.Progress.NONE);
  }

  /**
   * Refuses, naming them, the disks that have no delta to act on: one added to the VM after its
   * snapshot, say. Acting on the others only would leave the guest's disks from different times.
   */
  private void requireEveryDiskHasDelta(Path vmx, List<Path> disks) throws IOException {
    List<String> without = new ArrayList<>();
    for (Path disk : disks) {
      if (!DiskLayer.open(disk).isDelta()) {
        without.add(disk.getFileName().toString());
      }
    }
    if (without.size() == disks.size()) {
      throw new UnsupportedImageException(
          vmx,
          verb.name(),
          "no disk of the VM has a snapshot (none is a delta disk): there is nothing to "
              + verb.name());
    }
    if (!without.isEmpty()) {
      throw new UnsupportedImageException(
          vmx,
          verb.name(),
          String.join(", ", without)
              + (without.size() == 1 ? " has" : " have")
              + " no snapshot (not a delta disk), so "
              + verb.name()
              + " cannot act on every disk of the VM; name the disks to act on");
    }
  }

  /**
   * Refuses plans of which two would create or rename onto one name: each disk's own checks see the
   * folder as it is, not the names the other disks' steps take.
   */
  private static void requireNoNameTwice(Path vmx, List<? extends PlannedOperation> plans)
      throws DiskInUseException {
    Set<Path> taken = new HashSet<>();
    for (PlannedOperation p : plans) {
      Set<Path> mine = new HashSet<>();
      for (FileStep step : p.plan().steps()) {
        Path target =
            step instanceof FileStep.CreateFile c
                ? c.path()
                : step instanceof FileStep.Rename r ? r.to() : null;
        if (target != null) {
          mine.add(target.toAbsolutePath().normalize());
        }
      }
      for (Path name : mine) {
        if (!taken.add(name)) {
          throw new DiskInUseException(
              name,
              "name",
              "two disks of " + vmx.getFileName() + " need this name; rename one of the disks");
        }
      }
    }
  }
}
