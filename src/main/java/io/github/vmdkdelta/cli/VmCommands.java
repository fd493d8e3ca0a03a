package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.ops.DeleteDelta;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.PlannedOperation;
import io.github.vmdkdelta.ops.RevertDelta;
import io.github.vmdkdelta.ops.VmOperation;
import io.github.vmdkdelta.vm.LeftOutDevice;
import io.github.vmdkdelta.vm.VmDisks;
import io.github.vmdkdelta.vmdk.DeltaMerge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/**
 * make, delete, revert and commit given a VM's {@code .vmx}: every disk of the VM at once, as one
 * transaction ({@link VmOperation}). Each disk gets a line, and the devices left out are named with
 * why.
 */
final class VmCommands {
  private VmCommands() {}

  /** Whether a command's argument is a VM rather than a disk. */
  static boolean isVmx(Path file) {
    return file.getFileName() != null
        && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".vmx");
  }

  static int make(DiskChange command, MakeDelta make, Path vmx, List<Path> only)
      throws IOException {
    return run(
        command,
        vmx,
        only,
        VmOperation.make(make),
        DeltaMerge.Progress.NONE,
        p -> "make a delta (frozen as " + p.frozen().getFileName() + ", CID " + p.parentCid() + ")",
        p -> "frozen in " + p.frozen().getFileName() + "; new writes go to the new delta",
        "snapshot made of");
  }

  static int delete(DiskChange command, DeleteDelta delete, Path vmx, List<Path> only)
      throws IOException {
    return run(
        command,
        vmx,
        only,
        VmOperation.delete(delete),
        DeltaMerge.Progress.NONE,
        (DeleteDelta.DeletePlan p) -> "delete the delta and restore " + p.parent().getFileName(),
        p -> "snapshot deleted; " + p.parent().getFileName() + " is back under the disk's name",
        "snapshot deleted on");
  }

  static int revert(DiskChange command, RevertDelta revert, Path vmx, List<Path> only)
      throws IOException {
    return run(
        command,
        vmx,
        only,
        VmOperation.revert(revert),
        DeltaMerge.Progress.NONE,
        (RevertDelta.RevertPlan p) -> "revert to its snapshot " + p.parent().getFileName(),
        p -> "reverted to the snapshot in " + p.parent().getFileName() + "; a new, empty delta",
        "reverted");
  }

  static int commit(
      DiskChange command,
      CommitDelta commit,
      Path vmx,
      List<Path> only,
      DeltaMerge.Progress progress)
      throws IOException {
    return run(
        command,
        vmx,
        only,
        VmOperation.commit(commit),
        progress,
        (CommitDelta.CommitPlan p) ->
            "commit into "
                + p.parent().getFileName()
                + " ("
                + Sizes.human(p.bytes())
                + "; needs "
                + Sizes.human(p.spaceNeeded())
                + " free)",
        p ->
            "committed into "
                + p.parent().getFileName()
                + ", which now has the disk's name ("
                + Sizes.human(p.bytes())
                + " merged)",
        "committed");
  }

  private static <P extends PlannedOperation> int run(
      DiskChange command,
      Path vmx,
      List<Path> only,
      VmOperation<P> op,
      DeltaMerge.Progress progress,
      Function<P, String> wouldDo,
      Function<P, String> did,
      String headline)
      throws IOException {
    String verb = command.name();
    PrintWriter out = command.out();
    Report report = new Report(out, command.err(), verb, vmx, false);
    VmOperation.VmPlan<P> planned;
    List<Path> selected = only.stream().map(Path::toAbsolutePath).toList();
    try {
      if (command.root.has(GlobalOption.DRY_RUN)) {
        report.notePendingJournal(vmx);
        planned = op.plan(vmx, selected, DeltaMerge.Progress.NONE);
        report.warnings(planned.warnings());
        out.println(
            "would " + verb + " " + disksOf(planned) + " of " + vmx + " as one transaction:");
        for (P p : planned.perDisk()) {
          out.println("  " + p.disk().getFileName() + ": would " + wouldDo.apply(p) + ":");
          p.plan().describe().forEach(line -> out.println("    " + line));
        }
        leftOut(out, planned.vm());
        return ExitCode.OK;
      }
      InterruptNotice.watch(verb, vmx);
      var result = op.run(vmx, selected, progress);
      planned = result.planned();
      report.warnings(result.warnings());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.spec.commandLine(), e.getMessage());
    }
    out.println(vmx + ": " + headline + " " + disksOf(planned) + ":");
    for (P p : planned.perDisk()) {
      out.println("  " + p.disk().getFileName() + ": " + did.apply(p));
    }
    leftOut(out, planned.vm());
    return ExitCode.OK;
  }

  private static String disksOf(VmOperation.VmPlan<?> planned) {
    int n = planned.perDisk().size();
    return n + (n == 1 ? " disk" : " disks");
  }

  /** The devices the VM's snapshot leaves out, and why. */
  static void leftOut(PrintWriter out, VmDisks vm) {
    leftOut(out, vm, "  left out: ");
  }

  /** The devices the VM's snapshot leaves out, and why, each line starting with {@code prefix}. */
  static void leftOut(PrintWriter out, VmDisks vm, String prefix) {
    for (LeftOutDevice d : vm.leftOut()) {
      out.println(
          prefix
              + d.device()
              + (d.fileName().isEmpty() ? "" : " " + d.fileName())
              + " ("
              + why(d.reason())
              + ")");
    }
  }

  static String why(LeftOutDevice.Reason reason) {
    return switch (reason) {
      case NOT_PRESENT -> "not present";
      case ADAPTER_NOT_PRESENT -> "its adapter is not present";
      case CDROM -> "a CD-ROM";
      case FLOPPY -> "a floppy";
      case RAW_OR_PASSTHROUGH -> "a physical disk or pass-through device";
      case NO_FILE -> "no file";
      case NOT_A_VMDK -> "not a .vmdk";
      case INDEPENDENT_PERSISTENT -> "independent-persistent: VMware leaves it out of snapshots";
      case INDEPENDENT_NONPERSISTENT ->
          "independent-nonpersistent: VMware leaves it out of snapshots";
    };
  }
}
