package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.vmdk.ExtentFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The undo log on its own: what it restores, and how it treats torn and damaged logs. */
class UndoLogTest {
  @TempDir Path dir;
  private Path target;
  private Path log;
  private byte[] original;

  @BeforeEach
  void target() throws IOException {
    original = new byte[64 * 1024];
    new SplittableRandom(7).nextBytes(original);
    target = Files.write(dir.resolve("parent.vmdk"), original);
    log = dir.resolve(".undo");
  }

  /** Writes through an undo-logged file: two batches touching the same bytes, and an append. */
  private void change(SafeFileOperations ops) throws IOException {
    change(ops, true);
  }

  private void change(SafeFileOperations ops, boolean directIo) throws IOException {
    try (UndoLog undo = UndoLog.create(ops, log, original.length, directIo);
        OpenFile file = ops.openForUpdate(target)) {
      ExtentFile f = UndoLoggedFile.of(file, undo, original.length);
      f.write(
          List.of(
              region(100, 300, (byte) 1),
              region(original.length - 10, 30, (byte) 2))); // crosses the old end
      f.force();
      f.write(List.of(region(200, 1000, (byte) 3), region(90_000, 10, (byte) 4)));
      f.extend(100_000);
      f.force();
    }
  }

  private static ExtentFile.Region region(long at, int length, byte value) {
    byte[] b = new byte[length];
    Arrays.fill(b, value);
    return new ExtentFile.Region(at, ByteBuffer.wrap(b));
  }

  @Test
  void undoRestoresTheFileAndRemovesTheLog() throws IOException {
    change(new SafeFileOperations());
    assertThat(Files.size(target)).isEqualTo(100_000);
    assertThat(Files.readAllBytes(target)).isNotEqualTo(original);

    UndoLog.undo(new SafeFileOperations(), log, target, original.length);

    assertThat(Files.readAllBytes(target)).isEqualTo(original);
    assertThat(log).doesNotExist();
    // Again, as a repeated recovery would: nothing left to do, nothing changed.
    UndoLog.undo(new SafeFileOperations(), log, target, original.length);
    assertThat(Files.readAllBytes(target)).isEqualTo(original);
  }

  @Test
  void aLogWrittenWithoutDirectIoIsTheSame() throws IOException {
    change(new SafeFileOperations(), true);
    byte[] direct = Files.readAllBytes(log);
    UndoLog.undo(new SafeFileOperations(), log, target, original.length);
    change(new SafeFileOperations(), false);

    assertThat(Files.readAllBytes(log)).isEqualTo(direct);
    assertThat(direct.length % UndoLog.BLOCK).as("whole blocks").isZero();
    UndoLog.undo(new SafeFileOperations(), log, target, original.length);
    assertThat(Files.readAllBytes(target)).isEqualTo(original);
  }

  @Test
  void aTornLastRecordIsIgnored() throws IOException {
    change(new SafeFileOperations());
    long size = Files.size(log);
    // Damage the log inside its last record, as if the process died while appending it: then the
    // second batch was never written, so the target is as the first batch left it.
    try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
      f.seek(400);
      f.write(Arrays.copyOfRange(original, 400, 1200));
      f.setLength(original.length + 20);
    }
    for (long cut : new long[] {size - 1, size - 500, size - 1000, -100}) {
      Path copy = Files.copy(log, dir.resolve(".undo-" + cut));
      try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
        if (cut > 0) {
          f.setLength(cut);
        } else {
          f.seek(size + cut); // all there, but its end never written: zeros
          f.write(new byte[(int) -cut]);
        }
      }
      Path t = Files.copy(target, dir.resolve("t-" + cut));
      UndoLog.undo(new SafeFileOperations(), copy, t, original.length);
      assertThat(Files.readAllBytes(t)).as("damaged at %d", cut).isEqualTo(original);
    }
  }

  @Test
  void aDamagedRecordBeforeTheLastOneStopsTheUndo() throws IOException {
    change(new SafeFileOperations());
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(UndoLog.BLOCK + UndoLog.RECORD_HEADER_SIZE + 2 * UndoLog.REGION_SIZE + 5);
      f.write(0xee); // inside the saved bytes of the first record
    }
    byte[] changed = Files.readAllBytes(target);
    assertThatThrownBy(() -> UndoLog.undo(new SafeFileOperations(), log, target, original.length))
        .hasMessageContaining("undo log damaged");
    assertThat(Files.readAllBytes(target)).isEqualTo(changed);
    assertThat(log).exists();
  }

  @Test
  void aLogForAnotherLengthIsRefused() throws IOException {
    change(new SafeFileOperations());
    byte[] changed = Files.readAllBytes(target);
    assertThatThrownBy(
            () -> UndoLog.undo(new SafeFileOperations(), log, target, original.length + 512))
        .hasMessageContaining("the journal says");
    assertThat(Files.readAllBytes(target)).isEqualTo(changed);
  }

  @Test
  void aLogTornWhileItWasCreatedMeansNothingWasChanged() throws IOException {
    Files.write(log, new byte[] {'V', 'M', 'D'});

    UndoLog.undo(new SafeFileOperations(), log, target, original.length);

    assertThat(Files.readAllBytes(target)).isEqualTo(original);
    assertThat(log).doesNotExist();
  }

  @Test
  void aFirstBlockTornWhileItWasWrittenMeansNothingWasChanged() throws IOException {
    byte[] block = new byte[UndoLog.BLOCK];
    block[0] = 'V'; // the rest of the header never made it
    Files.write(log, block);

    UndoLog.undo(new SafeFileOperations(), log, target, original.length);

    assertThat(Files.readAllBytes(target)).isEqualTo(original);
    assertThat(log).doesNotExist();
  }

  @Test
  void aBadHeaderBeforeSavedBytesStopsTheUndo() throws IOException {
    change(new SafeFileOperations());
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(3);
      f.write(0xee);
    }
    byte[] changed = Files.readAllBytes(target);

    assertThatThrownBy(() -> UndoLog.undo(new SafeFileOperations(), log, target, original.length))
        .hasMessageContaining("bad header");
    assertThat(Files.readAllBytes(target)).isEqualTo(changed);
  }

  @Test
  void withoutALogNothingIsTouched() throws IOException {
    // Grown by someone else: with no log of ours, this is not ours to cut back.
    Files.write(target, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
    byte[] grown = Files.readAllBytes(target);

    UndoLog.undo(new SafeFileOperations(), log, target, original.length);

    assertThat(Files.readAllBytes(target)).isEqualTo(grown);
  }

  @Test
  void aTargetShorterThanItWasIsRefused() throws IOException {
    change(new SafeFileOperations());
    try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
      f.setLength(1000);
    }
    assertThatThrownBy(() -> UndoLog.undo(new SafeFileOperations(), log, target, original.length))
        .hasMessageContaining("shorter than it was");
    assertThat(log).exists();
  }

  @Test
  void theMeasuringFileCountsWhatTheLogWillHold() throws IOException {
    long predicted;
    long length;
    try (UndoLoggedFile.Measuring m = UndoLoggedFile.measure(target, original.length)) {
      m.write(List.of(region(100, 300, (byte) 1), region(original.length - 10, 30, (byte) 2)));
      m.write(List.of(region(200, 1000, (byte) 3), region(90_000, 10, (byte) 4)));
      m.extend(100_000);
      predicted = m.logBytes();
      length = m.size();
    }
    assertThat(Files.readAllBytes(target)).as("measuring changes nothing").isEqualTo(original);
    change(new SafeFileOperations());
    assertThat(predicted).isEqualTo(Files.size(log));
    assertThat(length).isEqualTo(Files.size(target));
  }
}
