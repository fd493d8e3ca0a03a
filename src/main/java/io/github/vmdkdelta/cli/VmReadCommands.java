package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.ops.ChainCheck;
import io.github.vmdkdelta.ops.ChainInfo;
import io.github.vmdkdelta.vm.LeftOutDevice;
import io.github.vmdkdelta.vm.VmDisk;
import io.github.vmdkdelta.vm.VmDisks;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * info and check given a VM's {@code .vmx}: one section per disk the VM's snapshot covers (text),
 * or one document with a list of disks ({@code --json}, docs/json.md). Nothing is changed.
 */
final class VmReadCommands {
  private VmReadCommands() {}

  /** One disk read: its document for --json, the exit code it gives. */
  private record Shown(Map<String, Object> document, int code) {}

  /** How a command reads one disk, printing its text when not --json. */
  @FunctionalInterface
  private interface DiskReader {
    Shown read(Path disk) throws IOException;
  }

  /** {@code info VM.vmx}: exit 0, or the exit code of the first disk whose chain stops. */
  static int info(ChainReading command, Path vmx) throws IOException {
    return each(command, vmx, disk -> showInfo(command, disk));
  }

  /** {@code check VM.vmx}: exit 0 when no disk has a problem, 3 when one has. */
  static int check(ChainReading command, Path vmx) throws IOException {
    return each(command, vmx, disk -> showCheck(command, disk));
  }

  private static Shown showInfo(ChainReading command, Path disk) throws IOException {
    ChainInfo info =
        ChainInfo.read(disk, command.root.has(GlobalOption.ALLOW_PARENT_OUTSIDE_FOLDER));
    if (!command.json() && !info.layers().isEmpty()) {
      InfoCommand.printTable(info, command.out());
    }
    if (info.stoppedBy().isEmpty()) {
      return new Shown(InfoCommand.toJson(info), ExitCode.OK);
    }
    VmdkException e = info.stoppedBy().get();
    command.err().println("vmdk-delta: " + ErrorMessages.of(e));
    return new Shown(InfoCommand.toJson(info), ExitCode.of(e));
  }

  private static Shown showCheck(ChainReading command, Path disk) throws IOException {
    ChainCheck.Report report =
        ChainCheck.run(disk, command.root.has(GlobalOption.ALLOW_PARENT_OUTSIDE_FOLDER));
    if (!command.json()) {
      CheckCommand.printText(report, command.out());
    }
    return new Shown(
        CheckCommand.toJson(report), report.errors().isEmpty() ? ExitCode.OK : ExitCode.CORRUPT);
  }

  /** Reads every disk of the VM in turn: a section each, or one document for them all. */
  private static int each(ChainReading command, Path vmx, DiskReader reader) throws IOException {
    PrintWriter out = command.out();
    PrintWriter err = command.err();
    boolean json = command.json();
    VmDisks vm = VmDisks.read(vmx).requireDisks();
    int code = ExitCode.OK;
    List<Object> disks = new ArrayList<>();
    for (VmDisk disk : vm.disks()) {
      if (!json) {
        out.println(heading(disk));
      }
      if (disk.path() == null) {
        code = first(code, ExitCode.UNSUPPORTED);
        err.println("vmdk-delta: " + vmx + ": " + disk.device() + ": " + unresolvable(disk));
        disks.add(entry(disk, Map.of()));
      } else {
        Shown shown = reader.read(disk.path());
        code = first(code, shown.code());
        disks.add(entry(disk, shown.document()));
      }
      if (!json) {
        out.println();
      }
    }
    print(out, vm, json, disks);
    return code;
  }

  private static int first(int code, int next) {
    return code == ExitCode.OK ? next : code;
  }

  private static String unresolvable(VmDisk disk) {
    return disk.fileName() + " is a Windows path, which cannot be resolved on this system";
  }

  private static String heading(VmDisk disk) {
    return "== " + disk.device() + ": " + disk.fileName() + " ==";
  }

  /** One disk of the document: its device and name, and the single-disk command's document. */
  private static Map<String, Object> entry(VmDisk disk, Map<String, Object> document) {
    Map<String, Object> m = Json.object();
    m.put("device", disk.device());
    m.put("file_name", disk.fileName());
    m.put("document", document.isEmpty() ? null : document);
    return m;
  }

  private static void print(PrintWriter out, VmDisks vm, boolean json, List<Object> disks) {
    if (!json) {
      if (!vm.leftOut().isEmpty()) {
        out.println("Left out of the VM's snapshots:");
        VmCommands.leftOut(out, vm, "  ");
      }
      return;
    }
    Map<String, Object> doc = Json.object();
    doc.put("schema_version", InfoCommand.JSON_SCHEMA_VERSION);
    doc.put("vmx", vm.vmx().toString());
    doc.put("disks", disks);
    List<Object> leftOut = new ArrayList<>();
    for (LeftOutDevice d : vm.leftOut()) {
      Map<String, Object> m = Json.object();
      m.put("device", d.device());
      m.put("file_name", d.fileName());
      m.put("reason", d.reason().name().toLowerCase(java.util.Locale.ROOT));
      m.put("text", VmCommands.why(d.reason()));
      leftOut.add(m);
    }
    doc.put("left_out", leftOut);
    out.println(Json.write(doc));
  }
}
