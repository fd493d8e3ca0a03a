package io.github.vmdkdelta.cli;

import static io.github.vmdkdelta.testing.RefusalCheck.assertRefusedAndUnchangedFromScratch;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A version 3 sparse disk (changed block tracking) is read-only: it may be a parent, but {@code
 * commit} never writes into it. It refuses as an unsupported image (exit 4), naming the parent, and
 * changes nothing. (make and delete on version 3 disks: HeaderVersionInteropTest.)
 */
class Version3ParentTest {
  @TempDir Path root;

  @ParameterizedTest(name = "parent with zeroed grains: {0}")
  @ValueSource(booleans = {false, true})
  void commitIntoAVersion3ParentIsRefused(boolean zeroedGrains) throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        folder -> {
          HostedDiskFixture parent =
              HostedDiskFixture.monolithicSparse("sd0-000000.vmdk")
                  .version(3)
                  .cid(0x0b0b0b0b)
                  .grain(0, 0x11);
          if (zeroedGrains) {
            parent.zeroedGrain(128);
          }
          parent.writeTo(folder);
          VmdkFixture.delta("sd0.vmdk", "sd0-000000.vmdk", 0x0b0b0b0b)
              .capacitySectors(2048)
              .grain(0, 0x22)
              .grain(128, 0x33)
              .writeTo(folder);
        },
        "commit sd0.vmdk",
        4,
        "sd0-000000.vmdk: header: ");
  }
}
