package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ByteRewrite;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The text of a journal: the operation, its steps with file names relative to the folder (so that a
 * folder moved or a drive letter changed after a crash does not matter), and two marks: {@code
 * plan-end} once the plan is whole, {@code committed} once every step is done.
 *
 * <pre>
 * vmdk-delta journal 1
 * operation make sd0.vmdk
 * step create .sd0.vmdk.vmdk-delta-new &lt;length&gt; &lt;hex of its first 4 KiB&gt;
 * step rename sd0.vmdk sd0-000000.vmdk
 * step rewrite sd0-000000.vmdk 512 &lt;hex before&gt; &lt;hex after&gt; extent%20file%20name
 * step sync-folder
 * cleanup delete .sd0.vmdk.vmdk-delta-old
 * plan-end
 * done 0
 * done 1
 * ...
 * committed
 * </pre>
 *
 * <p>{@code commit} has a step {@code merge DELTA PARENT UNDO-LOG PARENT-LENGTH}: the undo log
 * holds the parent's overwritten bytes, and the length is the parent's before the merge.
 *
 * <p>{@code done K} is written after step K succeeded; a rollback writes {@code undone K} after
 * undoing step K, so that a rollback interrupted in turn resumes where it stopped.
 */
final class JournalFormat {
  static final String MAGIC = "vmdk-delta journal 1";
  static final String PLAN_END = "plan-end";
  static final String COMMITTED = "committed";

  private static final HexFormat HEX = HexFormat.of();

  /** What a journal file says. */
  record Content(
      String operation,
      String disk,
      Plan plan,
      boolean planComplete,
      boolean committed,
      Set<Integer> done,
      Set<Integer> undone) {
    /** Index of the last step recorded done, -1 for none. */
    int lastDone() {
      return done.stream().mapToInt(Integer::intValue).max().orElse(-1);
    }
  }

  private JournalFormat() {}

  static String header(String operation, Path disk) {
    return MAGIC + "\n" + "operation " + operation + " " + name(disk) + "\n";
  }

  static String plan(Plan plan) {
    StringBuilder sb = new StringBuilder();
    for (FileStep step : plan.steps()) {
      sb.append("step ").append(encode(step)).append('\n');
    }
    for (FileStep step : plan.cleanup()) {
      sb.append("cleanup ").append(encode(step)).append('\n');
    }
    return sb.append(PLAN_END).append('\n').toString();
  }

  private static String encode(FileStep step) {
    return step.journalEntry();
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Reads a journal. Lines after a torn last line are ignored, and so is everything from the first
   * line a torn append left a hole in (each append is forced before anything else happens, so only
   * the last can be torn): a journal cut short before {@code plan-end} means no step was started,
   * one cut before {@code committed} means not committed.
   *
   * @throws IllegalArgumentException when the text is not a journal of this format
   */
  /**
   * Reads and parses the journal file {@code journal} of {@code folder}.
   *
   * @throws IOException when it cannot be read or parsed: then nothing may be touched
   */
  static Content read(Path journal, Path folder) throws IOException {
    String text = new String(Files.readAllBytes(journal), StandardCharsets.UTF_8);
    try {
      return parse(text, folder);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          journal + ": journal unreadable (" + e.getMessage() + "); not touching anything");
    }
  }

  static Content parse(String text, Path folder) {
    // Our lines never hold a NUL (names are escaped): one marks sectors of the last append that
    // a power cut kept from the device (they read as zeros), and so the end of what counts.
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      text = text.substring(0, text.lastIndexOf('\n', nul) + 1);
    }
    String[] lines = text.split("\n", -1);
    if ((MAGIC + "\n").startsWith(text) || (lines.length == 2 && lines[0].equals(MAGIC))) {
      // Cut short while its first lines were written: no plan, so no step was started.
      return new Content(
          "unknown", ".", new Plan(List.of(), List.of()), false, false, Set.of(), Set.of());
    }
    if (!lines[0].equals(MAGIC)) {
      throw new IllegalArgumentException("not a vmdk-delta journal");
    }
    String[] op = lines[1].split(" ");
    if (op.length != 3 || !op[0].equals("operation")) {
      throw new IllegalArgumentException("no operation line");
    }
    List<FileStep> steps = new ArrayList<>();
    List<FileStep> cleanup = new ArrayList<>();
    boolean planComplete = false;
    boolean committed = false;
    Set<Integer> done = new HashSet<>();
    Set<Integer> undone = new HashSet<>();
    // A line counts only when its newline was written: the last element after split is partial.
    for (int i = 2; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.equals(PLAN_END)) {
        planComplete = true;
      } else if (line.equals(COMMITTED)) {
        committed = planComplete;
      } else if (planComplete && line.startsWith("done ")) {
        done.add(Integer.parseInt(line.substring(5)));
      } else if (planComplete && line.startsWith("undone ")) {
        undone.add(Integer.parseInt(line.substring(7)));
      } else if (!planComplete && line.startsWith("step ")) {
        steps.add(decode(line.substring(5), folder));
      } else if (!planComplete && line.startsWith("cleanup ")) {
        cleanup.add(decode(line.substring(8), folder));
      } else {
        throw new IllegalArgumentException("unexpected line " + (i + 1));
      }
    }
    return new Content(
        op[1], unescape(op[2]), new Plan(steps, cleanup), planComplete, committed, done, undone);
  }

  private static FileStep decode(String text, Path folder) {
    String[] f = text.split(" ");
    return switch (f[0]) {
      case "create" ->
          new FileStep.CreateFile(
              folder.resolve(unescape(f[1])),
              new SparseFileImage(0, List.of()),
              f.length > 3 ? new FileFingerprint(Long.parseLong(f[2]), HEX.parseHex(f[3])) : null);
      case "rename" ->
          new FileStep.Rename(folder.resolve(unescape(f[1])), folder.resolve(unescape(f[2])));
      case "rewrite" ->
          new FileStep.Rewrite(
              folder.resolve(unescape(f[1])),
              new ByteRewrite(Long.parseLong(f[2]), HEX.parseHex(f[3]), HEX.parseHex(f[4])),
              unescape(f[5]));
      case "merge" ->
          new FileStep.Merge(
              folder.resolve(unescape(f[1])),
              folder.resolve(unescape(f[2])),
              folder.resolve(unescape(f[3])),
              Long.parseLong(f[4]),
              null,
              null);
      case "sync-folder" -> new FileStep.SyncFolder(folder);
      case "delete" -> new FileStep.Delete(folder.resolve(unescape(f[1])));
      default -> throw new IllegalArgumentException("unknown step " + f[0]);
    };
  }

  /**
   * The operation and disk named by the first lines of a journal, which may be still being written,
   * or null when they are not there (yet).
   */
  static String[] operationAndDisk(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 3 || !lines[0].equals(MAGIC)) {
      return null;
    }
    String[] op = lines[1].split(" ");
    if (op.length != 3 || !op[0].equals("operation")) {
      return null;
    }
    try {
      return new String[] {op[1], unescape(op[2])};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String name(Path path) {
    return escape(path.getFileName().toString());
  }

  static String escape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String unescape(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
