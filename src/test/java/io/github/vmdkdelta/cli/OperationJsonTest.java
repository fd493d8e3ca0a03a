package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} of make, delete, revert and commit (docs/json.md): one document on stdout with the
 * outcome, the steps of a dry run and the warnings as facts, each with the line stderr shows.
 */
class OperationJsonTest {
  @TempDir Path folder;

  private static final List<String> KEYS =
      List.of("schema_version", "operation", "disk", "dry_run", "outcome", "steps", "warnings");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Cli r) {
    assertThat(r.code()).as(r.err()).isZero();
    return (Map<String, Object>) JsonDocuments.parse(r.out());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> warnings(Map<String, Object> doc) {
    return (List<Map<String, Object>>) doc.get("warnings");
  }

  private Path disk() throws IOException {
    return QemuDisks.base(folder, "sd0.vmdk", "64M");
  }

  @Test
  void makeSaysWhatItDidWithNoWarnings() throws IOException {
    Path disk = disk();
    Map<String, Object> doc = json(Cli.run("make", "--json", disk.toString()));
    assertThat(doc.keySet()).containsExactlyElementsOf(KEYS);
    assertThat(doc)
        .containsEntry("schema_version", 1L)
        .containsEntry("operation", "make")
        .containsEntry("disk", disk.toString())
        .containsEntry("dry_run", false)
        .containsEntry("steps", List.of())
        .containsEntry("warnings", List.of());
    assertThat((String) doc.get("outcome"))
        .startsWith(disk + ": snapshot made; the disk as it was is frozen in sd0-000000.vmdk");
    assertThat(folder.resolve("sd0-000000.vmdk")).exists();
  }

  @Test
  void aForcedLockIsAWarningWithItsHoldersInTheDryRunDocumentAndOnStderr() throws IOException {
    Path disk = disk();
    Files.createDirectory(folder.resolve("sd0.vmdk.lck"));
    Files.writeString(folder.resolve("sd0.vmdk.lck/M00001.lck"), "hostA 999-1 3 X\0");
    FolderSnapshot before = FolderSnapshot.of(folder);
    Cli r = Cli.run("--force", "--dry-run", "make", "--json", disk.toString());
    Map<String, Object> doc = json(r);
    before.assertUnchanged();
    assertThat(doc).containsEntry("dry_run", true).containsEntry("operation", "make");
    assertThat((String) doc.get("outcome")).startsWith("would make a delta on " + disk);
    assertThat((List<?>) doc.get("steps")).isNotEmpty().first().asString().startsWith("create ");
    String text =
        "warning: "
            + disk
            + ": ignoring the VMware lock (sd0.vmdk.lck, held by machine hostA, process 999-1),"
            + " as --force asks";
    assertThat(warnings(doc))
        .containsExactly(
            Map.of(
                "kind", "lock_ignored",
                "file", disk.toString(),
                "lock", folder.resolve("sd0.vmdk.lck").toString(),
                "holders", List.of("machine hostA, process 999-1"),
                "text", text));
    assertThat(warnings(doc).get(0).keySet())
        .containsExactly("kind", "file", "lock", "holders", "text");
    assertThat(r.errLines()).containsExactly("vmdk-delta: " + text);
  }

  /** The delta of sd0.vmdk, its parentCID no longer its parent's CID. */
  private Path deltaWithStaleParentCid() throws IOException {
    Path disk = disk();
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    String d = QemuDisks.descriptor(disk);
    int at = d.indexOf("\nparentCID=") + 11;
    QemuDisks.editDescriptor(
        disk, "parentCID=" + d.substring(at, d.indexOf('\n', at)), "parentCID=0badc1d0");
    return disk;
  }

  @Test
  void deleteOfADeltaWithAStaleParentCidWarnsInTheOneWordingOfAMismatch() throws IOException {
    Path disk = deltaWithStaleParentCid();
    String parentCid = SafetyRefusalTest.cidOf(folder.resolve("sd0-000000.vmdk"));
    Cli r = Cli.run("delete", "--json", disk.toString());
    Map<String, Object> doc = json(r);
    String text =
        "warning: "
            + disk
            + ": parentCID: does not match the parent's CID (parentCID 0badc1d0, sd0-000000.vmdk"
            + " has CID "
            + String.format("%08x", Long.parseLong(parentCid, 16))
            + "): the parent was changed after this delta was made; VMware refuses to open the"
            + " disk; the delta is deleted anyway";
    assertThat(warnings(doc)).hasSize(1);
    assertThat(warnings(doc).get(0))
        .containsEntry("kind", "cid_mismatch_discarded")
        .containsEntry("file", disk.toString())
        .containsEntry("parent_cid", "0badc1d0")
        .containsEntry("parent", folder.resolve("sd0-000000.vmdk").toString())
        .containsEntry("text", text);
    assertThat(r.errLines()).containsExactly("vmdk-delta: " + text);
    assertThat(folder.resolve("sd0-000000.vmdk")).doesNotExist();
  }

  @Test
  void revertOfADeltaWithAStaleParentCidSaysTheNewDeltaLinksToTheParentAsItIs() throws IOException {
    Path disk = deltaWithStaleParentCid();
    Cli r = Cli.run("revert", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines()[0])
        .startsWith("vmdk-delta: warning: " + disk + ": parentCID: does not match the parent's CID")
        .endsWith("; the new delta links to the parent as it is now");
  }

  @Test
  void commitCarriesTheDocumentToo() throws IOException {
    Path disk = disk();
    assertThat(Cli.run("make", disk.toString()).code()).isZero();
    Map<String, Object> doc = json(Cli.run("commit", "--json", disk.toString()));
    assertThat(doc.keySet()).containsExactlyElementsOf(KEYS);
    assertThat(doc).containsEntry("operation", "commit").containsEntry("warnings", List.of());
    assertThat((String) doc.get("outcome")).startsWith(disk + ": committed into sd0-000000.vmdk");
  }
}
