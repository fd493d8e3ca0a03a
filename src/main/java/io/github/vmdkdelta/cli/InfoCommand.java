package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.chain.CidMismatch;
import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.ops.ChainInfo;
import io.github.vmdkdelta.ops.JournalStatus;
import io.github.vmdkdelta.ops.LayerInfo;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmdk-delta info DISK [--json]}. */
@ExplorerMenu(label = "Info", destructive = false)
@Command(
    name = "info",
    description = {
      "Show the chain from DISK down to its base disk, one disk per line, DISK first: file, role"
          + " (delta or base), type, capacity, CID, parent CID (marked ! when it does not match"
          + " the parent's CID), data allocated in that file, file size, VMware lock, and for"
          + " every disk with a delta on it when it was frozen.",
      "When the chain cannot be followed to its base (missing or damaged parent), the disks"
          + " read so far are shown, then the error, with its exit code. Nothing is changed."
    })
final class InfoCommand extends ChainReading {
  /** Version of the --json document (docs/json.md); raised only for incompatible changes. */
  static final int JSON_SCHEMA_VERSION = 1;

  @Override
  public Integer call() throws Exception {
    if (VmCommands.isVmx(disk)) {
      return VmReadCommands.info(this, disk);
    }
    PrintWriter out = out();
    PrintWriter err = err();
    ChainInfo info = ChainInfo.read(disk, root.has(GlobalOption.ALLOW_PARENT_OUTSIDE_FOLDER));
    JournalStatus journal = info.journalPending() ? JournalStatus.of(disk) : null;
    if (journal != null && journal.running()) {
      err.println(
          "vmdk-delta: note: " + journal.describe() + "; what is shown may change while it runs");
    } else if (journal != null) {
      err.println(
          "vmdk-delta: note: an interrupted operation left a journal in this folder; 'vmdk-delta"
              + " recover "
              + folderOf(disk)
              + "' finishes or undoes it");
    }
    if (json()) {
      out.println(Json.write(toJson(info)));
    } else if (!info.layers().isEmpty()) {
      printTable(info, out);
    }
    if (info.stoppedBy().isPresent()) {
      VmdkException e = info.stoppedBy().get();
      err.println("vmdk-delta: " + ErrorMessages.of(e));
      if (root.has(GlobalOption.VERBOSE)) {
        e.printStackTrace(err);
      }
      return ExitCode.of(e);
    }
    return ExitCode.OK;
  }

  static String folderOf(Path disk) {
    Path parent = disk.getParent();
    return parent == null ? "." : parent.toString();
  }

  static void printTable(ChainInfo info, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "FILE",
          "ROLE",
          "TYPE",
          "CAPACITY (BYTES)",
          "CID",
          "PARENT CID",
          "ALLOCATED (BYTES)",
          "FILE SIZE (BYTES)",
          "LOCK",
          "FROZEN"
        });
    List<String> notes = new ArrayList<>();
    List<LayerInfo> layers = info.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerInfo l = layers.get(i);
      boolean cidBad = l.parentCidMatches().map(m -> !m).orElse(false);
      boolean capacityBad = l.capacityMatchesParent().map(m -> !m).orElse(false);
      String shownName = shownName(info.disk(), l.path());
      if (cidBad) {
        LayerInfo parent = layers.get(i + 1);
        CidMismatch mismatch =
            new CidMismatch(l.path(), l.parentCid().orElseThrow(), parent.path(), parent.cid());
        notes.add(
            "! "
                + shownName
                + ": parentCID: "
                + mismatch.message(shownName(info.disk(), parent.path())));
      }
      if (capacityBad) {
        notes.add(
            "! "
                + shownName
                + ": capacity differs from its parent's ("
                + l.capacityBytes()
                + " bytes, parent has "
                + layers.get(i + 1).capacityBytes()
                + ")");
      }
      rows.add(
          new String[] {
            shownName,
            l.delta() ? "delta" : "base",
            l.createType(),
            Sizes.humanAndBytes(l.capacityBytes()) + (capacityBad ? " !" : ""),
            l.cid().toString(),
            l.parentCid().map(Object::toString).orElse("-") + (cidBad ? " !" : ""),
            Sizes.humanAndBytes(l.allocatedBytes())
                + (l.zeroedGrains() == 0
                    ? ""
                    : " + "
                        + l.zeroedGrains()
                        + " zeroed grain"
                        + (l.zeroedGrains() == 1 ? "" : "s")),
            Sizes.humanAndBytes(l.fileSizeBytes()),
            l.lock().map(k -> "locked (" + k.describe() + ")").orElse("-"),
            l.frozenAt().map(InfoCommand::localTime).orElse("-")
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        sb.append(row[c]);
        if (c + 1 < row.length) {
          sb.append(" ".repeat(widths[c] - row[c].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    notes.forEach(out::println);
  }

  /**
   * The format of {@link #localTime}, made at its first use: made with the class, it would load and
   * set up java.time's formatters (some 50 classes) in every run that touches this class, make's
   * included ({@link #folderOf}).
   */
  private static final class LocalTime {
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  }

  /** A time as the user's clock shows it, to the second. */
  static String localTime(Instant t) {
    return LocalTime.FORMAT.format(t.atZone(ZoneId.systemDefault()));
  }

  /** The layer's file name when it is in DISK's folder, else its whole path. */
  private static String shownName(Path disk, Path layer) {
    Path folder = disk.toAbsolutePath().normalize().getParent();
    Path abs = layer.toAbsolutePath().normalize();
    return folder.equals(abs.getParent()) ? abs.getFileName().toString() : layer.toString();
  }

  static Map<String, Object> toJson(ChainInfo info) {
    Map<String, Object> doc = Json.object();
    doc.put("schema_version", JSON_SCHEMA_VERSION);
    doc.put("disk", info.disk().toString());
    doc.put("complete", info.complete());
    doc.put("error", info.stoppedBy().map(InfoCommand::errorJson).orElse(null));
    doc.put("journal_pending", info.journalPending());
    List<Object> layers = new ArrayList<>();
    for (LayerInfo l : info.layers()) {
      Map<String, Object> m = Json.object();
      m.put("file", l.path().toString());
      m.put("name", l.name());
      m.put("role", l.delta() ? "delta" : "base");
      m.put("create_type", l.createType());
      m.put("capacity_bytes", l.capacityBytes());
      m.put("grain_size_bytes", l.grainSizeBytes());
      m.put("cid", l.cid().toString());
      m.put("parent_cid", l.parentCid().map(Object::toString).orElse(null));
      m.put("parent_hint", l.parentHint().orElse(null));
      m.put("parent_cid_matches", l.parentCidMatches().orElse(null));
      m.put("capacity_matches_parent", l.capacityMatchesParent().orElse(null));
      m.put("allocated_grains", l.allocatedGrains());
      m.put("allocated_bytes", l.allocatedBytes());
      m.put("zeroed_grains", l.zeroedGrains());
      m.put("file_size_bytes", l.fileSizeBytes());
      m.put("unclean_shutdown", l.uncleanShutdown());
      m.put("lock", l.lock().map(InfoCommand::lockJson).orElse(null));
      m.put("frozen_at", l.frozenAt().map(Instant::toString).orElse(null));
      layers.add(m);
    }
    doc.put("layers", layers);
    return doc;
  }

  static Map<String, Object> errorJson(Throwable e) {
    Map<String, Object> m = Json.object();
    m.put("exit_code", ExitCode.of(e));
    m.put("message", ErrorMessages.of(e));
    return m;
  }

  private static Map<String, Object> lockJson(VmwareLock lock) {
    Map<String, Object> m = Json.object();
    m.put("path", lock.lockPath().toString());
    m.put("holders", new ArrayList<Object>(lock.holders()));
    return m;
  }
}
