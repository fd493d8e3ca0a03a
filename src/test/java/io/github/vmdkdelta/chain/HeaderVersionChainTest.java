package io.github.vmdkdelta.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chain reads the same whatever the header version of its VMware-made monolithicSparse base: 1
 * (most files), 2 (zeroed-grain entries in use) or 3 (changed block tracking; readable as version
 * 1, never written, as qemu does: VMware KB 2064959).
 */
class HeaderVersionChainTest {
  private static final int GRAIN = 65536;
  private static final long CAPACITY = 8L << 20; // 128 grains

  @TempDir Path dir;

  @ParameterizedTest(name = "version {0}")
  @ValueSource(ints = {1, 2})
  void aChainOnABaseOfThisVersionReadsAsWritten(int version) throws IOException {
    assertChainReadsAsWritten(version);
  }

  @Test
  void aChainOnAVersion3BaseReadsAsWritten() throws IOException {
    assertChainReadsAsWritten(3);
  }

  /**
   * Base: grains 0, 1 and 127 hold 0x11, 0x22, 0x33 (version 2 and 3 bases also a zeroed grain 5).
   * Delta: grain 1 holds 0x44, grain 0 is a zeroed grain hiding the base's.
   */
  private void assertChainReadsAsWritten(int version) throws IOException {
    HostedDiskFixture base =
        HostedDiskFixture.monolithicSparse("base.vmdk")
            .version(version)
            .cid(0x0b0b0b0b)
            .capacityBytes(CAPACITY)
            .grain(0, 0x11)
            .grain(128, 0x22)
            .grain(127 * 128, 0x33);
    if (version >= 2) {
      base.zeroedGrain(5 * 128);
    }
    base.writeTo(dir);
    Path leaf =
        VmdkFixture.delta("sd0.vmdk", "base.vmdk", 0x0b0b0b0b)
            .version(2)
            .capacitySectors(CAPACITY / 512)
            .zeroedGrain(0)
            .grain(128, 0x44)
            .writeTo(dir);

    byte[] expected = new byte[(int) CAPACITY];
    Arrays.fill(expected, GRAIN, 2 * GRAIN, (byte) 0x44);
    Arrays.fill(expected, 127 * GRAIN, 128 * GRAIN, (byte) 0x33);
    DiskChain chain = DiskChain.open(leaf);
    assertThat(chain.layers()).hasSize(2);
    assertThat(readAll(chain)).isEqualTo(expected);
    assertThat(readAll(DiskChain.open(dir.resolve("base.vmdk"))))
        .as("the base alone")
        .startsWith(filled(0x11, GRAIN))
        .endsWith(filled(0x33, GRAIN));
  }

  private static byte[] readAll(DiskChain chain) throws IOException {
    try (ChainReader reader = ChainReader.open(chain)) {
      byte[] all = new byte[Math.toIntExact(reader.capacityBytes())];
      reader.read(0, all, 0, all.length);
      return all;
    }
  }

  private static byte[] filled(int value, int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
