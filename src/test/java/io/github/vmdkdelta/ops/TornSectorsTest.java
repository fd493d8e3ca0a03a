package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A torn write is judged by the file's sectors, not the array's. */
class TornSectorsTest {
  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void eachSectorOfTheFileIsWhollyOneVersion() {
    // 600 bytes from byte 412 of the file: 100 bytes of its first sector, then 500 of its second.
    byte[] old = filled(600, 1);
    byte[] now = filled(600, 2);
    assertThat(TornSectors.eachSectorOneOf(now, 412, old, filled(600, 2))).isTrue();
    System.arraycopy(old, 0, now, 0, 100); // the first sector stayed old: a torn write
    assertThat(TornSectors.eachSectorOneOf(now, 412, old, filled(600, 2))).isTrue();
    now[100] = 1; // old and new bytes within the second sector: no write leaves that
    assertThat(TornSectors.eachSectorOneOf(now, 412, old, filled(600, 2))).isFalse();
    // Cut by the array's sectors instead, the first 512 bytes would be a mix.
    byte[] mixed = filled(600, 2);
    System.arraycopy(old, 0, mixed, 0, 100);
    assertThat(TornSectors.eachSectorOneOf(mixed, 0, old, filled(600, 2))).isFalse();
  }

  @Test
  void aShorterVersionDoesNotMatchBeyondItsEnd() {
    assertThat(TornSectors.eachSectorOneOf(new byte[1024], 0, new byte[512])).isFalse();
    assertThat(TornSectors.eachSectorOneOf(new byte[300], 0, new byte[512])).isTrue();
  }
}
