package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.vmdkdelta.testing.FolderSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness of {@link PowerCutTest}: what it records, and the states its models make. */
class PrimitiveRecorderTest {
  @TempDir Path folder;

  @Test
  void recordsEveryKindOfChangeByInodeAndReplaysThemToTheFolder() throws IOException {
    assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("unix");
    byte[] ones = new byte[1000];
    Arrays.fill(ones, (byte) 1);
    Files.write(folder.resolve("a"), ones);
    PrimitiveRecorder recorder = new PrimitiveRecorder(folder);
    // The primitives by hand, not through SafeFileOperations, whose sequence of them may change.
    Path b = folder.resolve("b");
    recorder.before("create", b);
    Files.createFile(b);
    recorder.before("write", b);
    Files.write(b, new byte[] {7, 7});
    recorder.before("set-length", b);
    try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
      f.setLength(8192);
    }
    recorder.before("force", b);
    Path a = folder.resolve("a");
    recorder.before("rewrite", a);
    try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "rw")) {
      f.seek(600);
      f.write(new byte[700]); // over two sectors, past the end
    }
    recorder.before("force", a);
    recorder.before("rename", a);
    Files.move(a, folder.resolve("c"));
    recorder.before("link", folder.resolve("d"));
    Files.createLink(folder.resolve("d"), folder.resolve("c"));
    recorder.before("unlink", folder.resolve("c"));
    Files.delete(folder.resolve("c"));
    recorder.before("sync-folder", folder);
    recorder.finish();

    List<String> events = recorder.events().stream().map(FolderEvent::toString).toList();
    assertThat(events)
        .containsExactly(
            "#1 create b (inode 1)",
            "#2 write 2 bytes at 0 of inode 1",
            "#3 set-length 8192 of inode 1",
            "#4 force inode 1",
            "#5 write 700 bytes at 600 of inode 0",
            "#6 force inode 0",
            "#7 rename a -> c (inode 0)",
            "#8 link d (inode 0)",
            "#9 unlink c (inode 0)",
            "#10 sync-folder");
    assertThat(recorder.before().apply(recorder.events()).entries())
        .isEqualTo(FolderSnapshot.of(folder).entries());
  }

  @Test
  void aRenameLandingWithoutAnEarlierOneReplacesTheFileItsTargetStillNames() {
    FolderImage before =
        new FolderImage(
            Map.of("a", 0, "c", 1),
            Map.of(0, FileContent.of(new byte[] {1}), 1, FileContent.of(new byte[] {2})));
    List<FolderEvent> events =
        List.of(new FolderEvent.Rename(1, "a", "b", 0), new FolderEvent.Rename(2, "c", "a", 1));
    List<Map<String, Integer>> states =
        CrashModel.UNSYNCED_ENTRIES_IN_ANY_ORDER
            .states(new CrashModel.Issued(before, events, 2), new SplittableRandom(1))
            .stream()
            .map(s -> before.apply(s.landed()).names())
            .toList();
    assertThat(states)
        .containsExactlyInAnyOrder(
            Map.of("a", 0, "c", 1),
            Map.of("b", 0, "c", 1),
            Map.of("a", 1), // file 0 has lost its only name
            Map.of("b", 0, "a", 1));
  }

  @Test
  void aCreationLostTakesTheRenamesOfTheNewFileWithIt() {
    FolderImage before = new FolderImage(Map.of("d", 0), Map.of(0, FileContent.of(new byte[1])));
    List<FolderEvent> events =
        List.of(
            new FolderEvent.SyncFolder(1),
            new FolderEvent.Link(2, "new", 1, true),
            new FolderEvent.Write(3, 1, 0, new byte[] {5}),
            new FolderEvent.Force(4, 1),
            new FolderEvent.Rename(5, "d", "d-old", 0),
            new FolderEvent.Rename(6, "new", "d", 1));
    List<Map<String, Integer>> states =
        CrashModel.CREATION_NEEDS_FOLDER_SYNC
            .states(new CrashModel.Issued(before, events, 6), new SplittableRandom(1))
            .stream()
            .map(s -> before.apply(s.landed()).names())
            .toList();
    assertThat(states).containsExactlyInAnyOrder(Map.of("d-old", 0, "d", 1), Map.of("d-old", 0));
  }

  @Test
  void aTornWriteLandsInWholeSectors() {
    FolderImage before = new FolderImage(Map.of("f", 0), Map.of(0, FileContent.of(new byte[600])));
    byte[] nines = new byte[1000];
    Arrays.fill(nines, (byte) 9);
    List<FolderEvent> events = List.of(new FolderEvent.Write(1, 0, 100, nines));
    CrashModel.Issued issued = new CrashModel.Issued(before, events, 1);
    for (CrashModel model :
        List.of(CrashModel.TORN_WRITES_PREFIX, CrashModel.TORN_WRITES_ANY_SECTORS)) {
      List<CrashModel.CrashState> states = model.states(issued, new SplittableRandom(1));
      assertThat(states).as("%s of a write over sectors 0..2", model).isNotEmpty();
      for (CrashModel.CrashState state : states) {
        byte[] bytes = before.apply(state.landed()).content(0).bytes();
        for (int sector = 0; sector * 512 < bytes.length; sector++) {
          int from = Math.max(100, sector * 512);
          int to = Math.min(Math.min(1100, bytes.length), (sector + 1) * 512);
          byte[] part = Arrays.copyOfRange(bytes, from, Math.max(from, to));
          byte[] allNew = new byte[part.length];
          Arrays.fill(allNew, (byte) 9);
          assertThat(Arrays.equals(part, allNew) || Arrays.equals(part, new byte[part.length]))
              .as("%s: sector %d whole or not at all", state.description(), sector)
              .isTrue();
        }
      }
    }
  }
}
