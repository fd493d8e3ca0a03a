package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.HostedDiskFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * make, info, check, revert and delete on split and flat disks laid out as VMware writes them
 * (extents of 4192256 sectors without embedded descriptors, VMware's descriptor text, names in the
 * declared encoding), 5 GiB where split: the disk reads as before through the chain, the extent
 * files take the frozen disk's stem, and delete gives every file back byte for byte.
 */
class VmwareSplitAndFlatInteropTest {
  private static final long GIB = 1L << 30;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1} \"{2}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "TWO_GB_MAX_EXTENT_SPARSE | UTF-8        | Virtual Disk.vmdk      | 5",
        "TWO_GB_MAX_EXTENT_SPARSE | Shift_JIS    | 仮想ディスク表～.vmdk  | 5",
        "TWO_GB_MAX_EXTENT_FLAT   | GBK          | 虚拟磁盘乗.vmdk        | 0",
        "MONOLITHIC_FLAT       | windows-1252 | O'Brien's Café.vmdk    | 0",
      })
  void makeRevertAndDeleteKeepEveryByte(
      HostedDiskFixture.Kind kind, String encoding, String name, int gib) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("Virtual Machines"));
    // Flat extents are real bytes: keep them small (two extents for the split flat disk).
    long capacity =
        gib > 0 ? gib * GIB : (kind.split() ? 2 * 4096 * 512L + 65536 : 4 * 1024 * 1024L);
    HostedDiskFixture disk =
        HostedDiskFixture.of(kind, name).encoding(encoding).capacityBytes(capacity).grain(0, 0x41);
    if (kind.split()) {
      disk = disk.extentSectors(gib > 0 ? HostedDiskFixture.VMWARE_SPLIT_EXTENT_SECTORS : 4096);
    }
    long last = capacity / 512 - 128;
    disk = disk.grain(last, 0x42);
    Path path = disk.writeTo(folder).descriptor();
    byte[] head = read(path, 0);
    byte[] tail = read(path, last * 512);
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli make = Cli.run("make", path.toString());

    assertThat(make.code()).as(make.err()).isZero();
    String stem = name.substring(0, name.length() - 5);
    for (String extent : disk.extentFileNames()) {
      assertThat(folder.resolve(extent.replace(stem + "-", stem + "-000000-"))).exists();
      assertThat(folder.resolve(extent)).doesNotExist();
    }
    assertThat(read(path, 0)).isEqualTo(head);
    assertThat(read(path, last * 512)).isEqualTo(tail);
    assertThat(Cli.run("info", path.toString()).code()).isZero();
    Cli check = Cli.run("check", path.toString());
    assertThat(check.code()).as(check.out()).isZero();
    Cli revert = Cli.run("revert", path.toString());
    assertThat(revert.code()).as(revert.err()).isZero();

    Cli delete = Cli.run("delete", path.toString());

    assertThat(delete.code()).as(delete.err()).isZero();
    before.assertUnchanged();
  }

  /** One grain of the virtual disk, read through the chain by our reader. */
  private static byte[] read(Path disk, long offset) throws IOException {
    try (ChainReader r = ChainReader.open(DiskChain.open(disk))) {
      byte[] grain = new byte[65536];
      r.read(offset, grain, 0, grain.length);
      assertThat(Arrays.equals(grain, new byte[grain.length])).as("grain holds data").isFalse();
      return grain;
    }
  }
}
