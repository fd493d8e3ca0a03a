package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.SparseFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metadata cost, not capacity cost: a delta of a huge disk allocates no more than qemu-img's own
 * delta of the same parent (the original tool wrote 128 MiB of zero grain tables for 1 TiB).
 */
class AllocationInteropTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1T", "2T"})
  void deltaAllocatesNoMoreThanQemusOwn(String size, @TempDir Path dir) throws IOException {
    Qemu qemu = new Qemu(dir);
    qemu.create("p.vmdk", size);
    Path parent = dir.resolve("p.vmdk");
    long parentBlocks = SparseFiles.allocatedBytes(parent);
    qemu.createDelta("q.vmdk", "p.vmdk");
    Path qemuDelta = dir.resolve("q.vmdk");
    long qemuAllocated = SparseFiles.allocatedBytes(qemuDelta);
    long qemuLength = Files.size(qemuDelta);
    Files.delete(qemuDelta);

    Cli.run("make", parent);

    Path child = dir.resolve("p.vmdk");
    Path frozen = dir.resolve("p-000000.vmdk");
    long ourAllocated = SparseFiles.allocatedBytes(child);
    System.out.printf(
        "AllocationInteropTest %s: our child allocates %d bytes (length %d);"
            + " qemu-img's delta allocates %d bytes (length %d)%n",
        size, ourAllocated, Files.size(child), qemuAllocated, qemuLength);
    assertThat(ourAllocated).as("bytes our child allocates").isLessThanOrEqualTo(qemuAllocated);
    assertThat(SparseFiles.allocatedBytes(frozen))
        .as("parent allocation after make")
        .isEqualTo(parentBlocks);
    qemu.assertCheckClean("p.vmdk");
    qemu.assertCheckClean("p-000000.vmdk");
    List<Map<String, Object>> chain = qemu.infoChain("p.vmdk");
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0)).containsEntry("backing-filename", "p-000000.vmdk");
    assertThat(chain.get(0).get("virtual-size")).isEqualTo(chain.get(1).get("virtual-size"));
    assertThat(Qemu.parentCid(chain.get(0))).isEqualTo(Qemu.cid(chain.get(1)));
  }
}
