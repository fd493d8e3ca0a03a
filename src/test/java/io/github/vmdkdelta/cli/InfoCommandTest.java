package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmdk-delta info} on copies of the qemu-made images in {@code testdata/} (values from
 * testdata/README.md and the files' descriptors): the table, the marks of a broken link, what is
 * shown of a chain that cannot be followed to its base, and the JSON document. Nothing is ever
 * changed.
 */
class InfoCommandTest {
  private static final String HEADER =
      "FILE        ROLE   TYPE              CAPACITY (BYTES)   CID       PARENT CID  ALLOCATED"
          + " (BYTES)   FILE SIZE (BYTES)   LOCK  FROZEN";
  private static final String DELTA_LINE =
      "delta.vmdk  delta  monolithicSparse  4.0 MiB (4194304)  28c42403  a426439d    128.0 KiB"
          + " (131072)  192.0 KiB (196608)  -     -";

  /** When the base was frozen, as its file says: set by the test. */
  private static final Instant FROZEN = Instant.parse("2026-03-04T05:06:07.890Z");

  private static final String BASE_LINE =
      "base.vmdk   base   monolithicSparse  4.0 MiB (4194304)  a426439d  ffffffff    128.0 KiB"
          + " (131072)  192.0 KiB (196608)  -     "
          + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
              .format(LocalDateTime.ofInstant(FROZEN, ZoneId.systemDefault()));

  @TempDir Path dir;
  private Path delta;
  private FolderSnapshot before;

  @BeforeEach
  void copyTestdata() throws IOException {
    Path testdata = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("testdata");
    for (String n : List.of("base.vmdk", "delta.vmdk", "delta-zeroed.vmdk")) {
      Files.copy(testdata.resolve(n), dir.resolve(n));
    }
    delta = dir.resolve("delta.vmdk");
    Files.setLastModifiedTime(dir.resolve("base.vmdk"), FileTime.from(FROZEN));
  }

  private Cli run(String... args) throws IOException {
    before = FolderSnapshot.of(dir);
    Cli r = Cli.run(args);
    before.assertUnchanged();
    return r;
  }

  @Test
  void showsOneLinePerDiskLeafFirst() throws IOException {
    Cli r = run("info", delta.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines()).containsExactly(HEADER, DELTA_LINE, BASE_LINE);
  }

  @Test
  void showsZeroedGrains() throws IOException {
    Cli r = run("info", dir.resolve("delta-zeroed.vmdk").toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().toList().get(1))
        .startsWith("delta-zeroed.vmdk  delta  ")
        .contains("  0 B + 1 zeroed grain  64.0 KiB (65536)  ");
  }

  @Test
  void marksAParentCidThatDoesNotMatch() throws IOException {
    QemuDisks.editDescriptor(delta, "parentCID=a426439d", "parentCID=0badc1d0");

    Cli r = run("info", delta.toString());

    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).contains("  28c42403  0badc1d0 !  128.0 KiB");
    assertThat(lines.get(2)).contains("  a426439d  ffffffff    128.0 KiB");
    assertThat(lines.get(3))
        .isEqualTo(
            "! delta.vmdk: parentCID: does not match the parent's CID (parentCID 0badc1d0,"
                + " base.vmdk has CID a426439d): the parent was changed after this delta was made;"
                + " VMware refuses to open the disk");

    Map<String, Object> doc = json(run("info", "--json", delta.toString()));
    assertThat(layer(doc, 0))
        .containsEntry("parent_cid", "0badc1d0")
        .containsEntry("parent_cid_matches", false)
        .containsEntry("capacity_matches_parent", true);
    assertThat(layer(doc, 1)).containsEntry("parent_cid_matches", null);
  }

  @Test
  void aMissingParentShowsWhatCanBeReadThenTheError() throws IOException {
    Files.delete(dir.resolve("base.vmdk"));

    Cli r = run("info", delta.toString());

    assertThat(r.code()).isEqualTo(5);
    assertThat(r.out().lines()).containsExactly(HEADER, DELTA_LINE);
    String error =
        delta
            + ": parent: parent disk not found ("
            + dir.resolve("base.vmdk")
            + "); it may have been moved or renamed: put it back under this name";
    assertThat(r.errLines()).containsExactly("vmdk-delta: " + error);

    Cli j = run("info", "--json", delta.toString());
    assertThat(j.code()).isEqualTo(5);
    assertThat(j.errLines()).containsExactly("vmdk-delta: " + error);
    Map<String, Object> doc = json(j);
    assertThat(doc)
        .containsEntry("complete", false)
        .containsEntry("error", Map.of("exit_code", 5L, "message", error));
    assertThat(layers(doc)).hasSize(1);
    assertThat(layer(doc, 0))
        .containsEntry("role", "delta")
        .containsEntry("parent_hint", "base.vmdk")
        .containsEntry("parent_cid_matches", null);
  }

  @Test
  void aDamagedDiskShowsNothingButTheError() throws IOException {
    QemuDisks.setHeaderByte(delta, 0, 'X');

    Cli r = run("info", delta.toString());

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("vmdk-delta: " + delta + ": header: not a VMDK sparse extent");

    Map<String, Object> doc = json(run("info", "--json", delta.toString()));
    assertThat(layers(doc)).isEmpty();
    assertThat(doc).containsEntry("complete", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) doc.get("error");
    assertThat(error).containsEntry("exit_code", 3L);
  }

  @Test
  void aHintLeavingTheFolderIsFollowedOnlyWhenAllowed() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.move(delta, sub.resolve("delta.vmdk"));
    QemuDisks.editDescriptor(sub.resolve("delta.vmdk"), "\"base.vmdk\"\n", "\"../base.vmdk\"\n");

    Cli refused = run("info", sub.resolve("delta.vmdk").toString());
    assertThat(refused.code()).isEqualTo(5);
    assertThat(refused.out().lines()).hasSize(2);
    assertThat(refused.err()).contains("parent hint leaves the disk's folder");

    Cli allowed =
        run("--allow-parent-outside-folder", "info", sub.resolve("delta.vmdk").toString());
    assertThat(allowed.code()).as(allowed.err()).isZero();
    List<String> lines = allowed.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("delta.vmdk ");
    // A parent in another folder is shown with its path.
    assertThat(lines.get(2)).startsWith(dir.resolve("base.vmdk") + "  base  ");
  }

  @Test
  void showsAVmwareLock() throws IOException {
    Files.createDirectory(dir.resolve("base.vmdk.lck"));
    Files.writeString(dir.resolve("base.vmdk.lck/M12345.lck"), "hostA 4242-7 3 S\0");

    Cli r = run("info", delta.toString());

    assertThat(r.code()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(1)).endsWith("  -");
    assertThat(lines.get(2))
        .contains("  locked (base.vmdk.lck, held by machine hostA, process 4242-7)  ");
    Map<String, Object> doc = json(run("info", "--json", delta.toString()));
    assertThat(layer(doc, 0)).containsEntry("lock", null);
    assertThat(layer(doc, 1))
        .containsEntry(
            "lock",
            Map.of(
                "path",
                dir.resolve("base.vmdk.lck").toString(),
                "holders",
                List.of("machine hostA, process 4242-7")));
  }

  @Test
  void notesAnInterruptedOperationButRecoversNothing() throws IOException {
    Files.writeString(dir.resolve(".vmdk-delta-journal"), "vmdk-delta journal 1\n");

    Cli r = run("info", delta.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).containsExactly(HEADER, DELTA_LINE, BASE_LINE);
    assertThat(r.errLines())
        .containsExactly(
            "vmdk-delta: note: an interrupted operation left a journal in this folder;"
                + " 'vmdk-delta recover "
                + dir
                + "' finishes or undoes it");
    assertThat(json(run("info", "--json", delta.toString())))
        .containsEntry("journal_pending", true);
  }

  @Test
  void jsonHasTheDocumentedFieldsInOrder() throws IOException {
    Cli r = run("info", "--json", delta.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    Map<String, Object> doc = json(r);
    assertThat(doc.keySet())
        .containsExactly(
            "schema_version", "disk", "complete", "error", "journal_pending", "layers");
    assertThat(doc)
        .containsEntry("schema_version", 1L)
        .containsEntry("disk", delta.toString())
        .containsEntry("complete", true)
        .containsEntry("error", null)
        .containsEntry("journal_pending", false);
    assertThat(layer(doc, 0).keySet())
        .containsExactly(
            "file",
            "name",
            "role",
            "create_type",
            "capacity_bytes",
            "grain_size_bytes",
            "cid",
            "parent_cid",
            "parent_hint",
            "parent_cid_matches",
            "capacity_matches_parent",
            "allocated_grains",
            "allocated_bytes",
            "zeroed_grains",
            "file_size_bytes",
            "unclean_shutdown",
            "lock",
            "frozen_at");
    assertThat(layer(doc, 0))
        .containsEntry("file", delta.toString())
        .containsEntry("name", "delta.vmdk")
        .containsEntry("role", "delta")
        .containsEntry("create_type", "monolithicSparse")
        .containsEntry("capacity_bytes", 4194304L)
        .containsEntry("grain_size_bytes", 65536L)
        .containsEntry("cid", "28c42403")
        .containsEntry("parent_cid", "a426439d")
        .containsEntry("parent_hint", "base.vmdk")
        .containsEntry("parent_cid_matches", true)
        .containsEntry("allocated_grains", 2L)
        .containsEntry("allocated_bytes", 131072L)
        .containsEntry("zeroed_grains", 0L)
        .containsEntry("file_size_bytes", 196608L)
        .containsEntry("unclean_shutdown", false)
        .containsEntry("frozen_at", null);
    assertThat(layer(doc, 1))
        .containsEntry("frozen_at", "2026-03-04T05:06:07.890Z")
        .containsEntry("file", dir.resolve("base.vmdk").toString())
        .containsEntry("role", "base")
        .containsEntry("parent_cid", "ffffffff")
        .containsEntry("parent_hint", null)
        .containsEntry("capacity_matches_parent", null);
  }

  @Test
  void aMissingDiskIsAnIoError() throws IOException {
    Cli r = run("info", dir.resolve("nothere.vmdk").toString());
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines())
        .containsExactly("vmdk-delta: " + dir.resolve("nothere.vmdk") + ": no such file");
  }

  private static Map<String, Object> json(Cli r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) JsonDocuments.parse(r.out());
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> layers(Map<String, Object> doc) {
    return (List<Map<String, Object>>) doc.get("layers");
  }

  private static Map<String, Object> layer(Map<String, Object> doc, int i) {
    return layers(doc).get(i);
  }
}
