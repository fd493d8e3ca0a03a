package io.github.vmdkdelta.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.VmFolder;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make, revert, delete and commit on a VM's {@code .vmx}: every disk it covers changes, checked by
 * qemu-img and libvmdk, or none does.
 */
class VmOperationTest {
  @TempDir Path folder;
  Path vmx;
  final SafeFileOperations ops = new SafeFileOperations();

  @BeforeEach
  void vm() throws IOException {
    vmx = VmFolder.create(folder);
  }

  private VmOperation.VmResult<MakeDelta.MakePlan> make() throws IOException {
    return VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT)).run(vmx);
  }

  private Path raw(String disk, String name) throws IOException {
    return QemuDisks.toRaw(folder.resolve(disk), folder.getParent().resolve(name + ".raw"));
  }

  private void expectSame(String disk, Path raw) throws IOException {
    ExternalTools.run(
            folder,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "compare",
            "-f",
            "vmdk",
            "-F",
            "raw",
            disk,
            raw.toString())
        .expectSuccess();
  }

  private void expectChecked(String disk) throws IOException {
    ExternalTools.run(folder, ExternalTools.require(ExternalTools.QEMU_IMG), "check", disk)
        .expectSuccess();
    ExternalTools.run(folder, ExternalTools.require(ExternalTools.VMDKINFO), disk).expectSuccess();
  }

  @Test
  void makeFreezesEveryDiskAndDeleteGivesTheFolderBackByteForByte() throws IOException {
    Map<String, String> before = FolderSnapshot.of(folder).entries();
    List<Path> raws = new ArrayList<>();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      raws.add(raw(disk, "before-" + disk));
    }

    var made = make();

    assertThat(made.planned().disks())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyElementsOf(VmFolder.SNAPSHOT_DISKS);
    for (int i = 0; i < raws.size(); i++) {
      String disk = VmFolder.SNAPSHOT_DISKS.get(i);
      String frozen = disk.replace(".vmdk", "-000000.vmdk");
      assertThat(folder.resolve(frozen)).exists();
      String chain =
          ExternalTools.runOk(
              folder, ExternalTools.QEMU_IMG, "info", "--backing-chain", "-U", disk);
      assertThat(chain).contains("image: " + disk).contains("image: " + frozen);
      expectChecked(disk);
      expectSame(disk, raws.get(i));
    }
    assertThat(QemuDisks.descriptor(folder.resolve(VmFolder.INDEPENDENT)))
        .doesNotContain("parentFileNameHint");
    assertThat(folder.resolve("scratch-000000.vmdk")).doesNotExist();

    VmOperation.delete(new DeleteDelta(ops, Options.DEFAULT)).run(vmx);
    assertThat(FolderSnapshot.of(folder).entries()).isEqualTo(before);
  }

  @Test
  void revertThrowsEveryDisksWritesAway() throws IOException {
    List<Path> raws = new ArrayList<>();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      raws.add(raw(disk, "before-" + disk));
    }
    make();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      QemuDisks.write(folder.resolve(disk), 0, 8192, 0x5a);
    }

    var reverted =
        VmOperation.revert(new RevertDelta(ops, new SplittableRandom(2), Options.DEFAULT)).run(vmx);

    assertThat(reverted.planned().perDisk()).hasSize(3);
    for (int i = 0; i < raws.size(); i++) {
      String disk = VmFolder.SNAPSHOT_DISKS.get(i);
      expectChecked(disk);
      expectSame(disk, raws.get(i));
    }
  }

  @Test
  void commitMergesEveryDiskIntoItsParentWithProgressOverTheWholeVm() throws IOException {
    make();
    List<Path> raws = new ArrayList<>();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      QemuDisks.write(folder.resolve(disk), 512 * 1024, 131072, 0x66);
      raws.add(raw(disk, "written-" + disk));
    }
    List<long[]> reports = new ArrayList<>();

    var committed =
        VmOperation.commit(new CommitDelta(ops, new SplittableRandom(3), Options.DEFAULT))
            .run(vmx, List.of(), (done, total) -> reports.add(new long[] {done, total}));

    long total = committed.planned().perDisk().stream().mapToLong(c -> c.bytes()).sum();
    assertThat(total).isGreaterThanOrEqualTo(3 * 131072);
    assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r[1]).isEqualTo(total));
    assertThat(reports.get(reports.size() - 1)[0]).isEqualTo(total);
    for (int i = 1; i < reports.size(); i++) {
      assertThat(reports.get(i)[0]).isGreaterThanOrEqualTo(reports.get(i - 1)[0]);
    }
    for (int i = 0; i < raws.size(); i++) {
      String disk = VmFolder.SNAPSHOT_DISKS.get(i);
      assertThat(folder.resolve(disk.replace(".vmdk", "-000000.vmdk"))).doesNotExist();
      assertThat(ExternalTools.runOk(folder, ExternalTools.QEMU_IMG, "info", "-U", disk))
          .doesNotContain("backing file");
      expectChecked(disk);
      expectSame(disk, raws.get(i));
    }
  }

  @Test
  void aTakenFrozenNameOfOneDiskLeavesEveryDiskAsItWas() throws IOException {
    Files.write(folder.resolve("flat-000000.vmdk"), "someone's".getBytes(StandardCharsets.UTF_8));
    FolderSnapshot before = FolderSnapshot.of(folder);

    assertThatThrownBy(this::make)
        .isInstanceOf(DiskInUseException.class)
        .hasMessageContaining("flat-000000.vmdk");
    before.assertUnchanged();
  }

  @Test
  void aDiskWithoutDeltaIsRefusedByNameUnlessTheDisksAreNamed() throws IOException {
    VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT))
        .run(vmx, List.of(folder.resolve("sys.vmdk")), (d, t) -> {});
    FolderSnapshot before = FolderSnapshot.of(folder);

    assertThatThrownBy(() -> VmOperation.delete(new DeleteDelta(ops, Options.DEFAULT)).run(vmx))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("data.vmdk, flat.vmdk have no snapshot");
    before.assertUnchanged();

    var deleted =
        VmOperation.delete(new DeleteDelta(ops, Options.DEFAULT))
            .run(vmx, List.of(folder.resolve("sys.vmdk")), (d, t) -> {});
    assertThat(deleted.planned().disks()).containsExactly(folder.resolve("sys.vmdk"));
    assertThat(folder.resolve("sys-000000.vmdk")).doesNotExist();
  }

  @Test
  void aVmWithoutAnySnapshotHasNothingToDelete() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(folder);
    assertThatThrownBy(
            () ->
                VmOperation.commit(new CommitDelta(ops, new SplittableRandom(1), Options.DEFAULT))
                    .run(vmx))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("no disk of the VM has a snapshot");
    before.assertUnchanged();
  }

  @Test
  void aNamedDiskThatIsNotTheVmsIsRefused() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(folder);
    assertThatThrownBy(
            () ->
                VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT))
                    .run(vmx, List.of(folder.resolve(VmFolder.INDEPENDENT)), (d, t) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one of the disks");
    before.assertUnchanged();
  }

  @Test
  void aDiskOutsideTheVmsFolderIsRefusedUnlessTheOthersAreNamed() throws IOException {
    Path elsewhere = Files.createDirectories(folder.resolve("more"));
    QemuDisks.base(elsewhere, "extra.vmdk", "8M");
    Files.writeString(
        vmx,
        Files.readString(vmx)
            + "scsi0:3.present = \"TRUE\"\r\nscsi0:3.fileName = \"more/extra.vmdk\"\r\n");
    FolderSnapshot before = FolderSnapshot.of(folder);

    assertThatThrownBy(this::make)
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessageContaining("more/extra.vmdk is outside the VM's folder");
    before.assertUnchanged();

    VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT))
        .run(vmx, List.of(folder.resolve("sys.vmdk"), folder.resolve("data.vmdk")), (d, t) -> {});
    assertThat(folder.resolve("sys-000000.vmdk")).exists();
    assertThat(folder.resolve("flat-000000.vmdk")).doesNotExist();
  }

  @Test
  void aLockedVmIsRefusedUnlessForced() throws IOException {
    Path lock = Files.createDirectories(folder.resolve(VmFolder.VMX + ".lck"));
    Files.writeString(lock.resolve("M12345.lck"), "vmx\n");
    FolderSnapshot before = FolderSnapshot.of(folder);

    assertThatThrownBy(this::make).isInstanceOf(DiskInUseException.class);
    before.assertUnchanged();

    var made =
        VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), new Options(true, false)))
            .run(vmx);
    assertThat(made.warnings()).isNotEmpty();
    assertThat(folder.resolve("sys-000000.vmdk")).exists();
  }
}
