package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.JsonDocuments;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.VmFolder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command given a VM's {@code .vmx}: one line or section per disk, one transaction. */
class VmCommandsTest {
  @TempDir Path folder;
  Path vmx;

  @BeforeEach
  void vm() throws IOException {
    vmx = VmFolder.create(folder);
  }

  @Test
  void makeThenDeleteOnTheVmxSaysWhatEachDiskGotAndWhatWasLeftOut() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli made = Cli.run("make", vmx.toString());

    assertThat(made.code()).as(made.err()).isZero();
    assertThat(made.out().lines())
        .containsExactly(
            vmx + ": snapshot made of 3 disks:",
            "  sys.vmdk: frozen in sys-000000.vmdk; new writes go to the new delta",
            "  data.vmdk: frozen in data-000000.vmdk; new writes go to the new delta",
            "  flat.vmdk: frozen in flat-000000.vmdk; new writes go to the new delta",
            "  left out: scsi0:2 scratch.vmdk (independent-persistent: VMware leaves it out of"
                + " snapshots)",
            "  left out: sata0:1 installer.iso (a CD-ROM)");
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      assertThat(folder.resolve(disk.replace(".vmdk", "-000000.vmdk"))).exists();
    }

    Cli deleted = Cli.run("delete", vmx.toString());
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(deleted.out()).startsWith(vmx + ": snapshot deleted on 3 disks:");
    before.assertUnchanged();
  }

  @Test
  void aDryRunPrintsEveryDisksPlanAndChangesNothing() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli r = Cli.run("--dry-run", "make", vmx.toString());

    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("would make 3 disks of " + vmx + " as one transaction:");
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      assertThat(lines).anyMatch(l -> l.startsWith("  " + disk + ": would make a delta"));
    }
    assertThat(lines).filteredOn(l -> l.startsWith("    ")).hasSizeGreaterThan(9);
    before.assertUnchanged();
  }

  @Test
  void deleteRefusesADiskWithoutDeltaUnlessTheDisksAreNamed() throws IOException {
    assertThat(
            Cli.run("make", "--disk", folder.resolve("sys.vmdk").toString(), vmx.toString()).code())
        .isZero();
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli refused = Cli.run("delete", vmx.toString());
    assertThat(refused.code()).isEqualTo(ExitCode.UNSUPPORTED);
    assertThat(refused.err()).contains("data.vmdk, flat.vmdk have no snapshot").hasLineCount(1);
    before.assertUnchanged();

    Cli named = Cli.run("delete", "--disk", folder.resolve("sys.vmdk").toString(), vmx.toString());
    assertThat(named.code()).as(named.err()).isZero();
    assertThat(folder.resolve("sys-000000.vmdk")).doesNotExist();
  }

  @Test
  void diskNamesAreForAVmxAndMustBeTheVmsDisks() throws IOException {
    FolderSnapshot before = FolderSnapshot.of(folder);
    Path sys = folder.resolve("sys.vmdk");

    Cli onDisk = Cli.run("make", "--disk", sys.toString(), sys.toString());
    assertThat(onDisk.code()).isEqualTo(ExitCode.USAGE);
    assertThat(onDisk.err()).contains("--disk names disks of a VM");

    Cli json = Cli.run("make", "--json", vmx.toString());
    assertThat(json.code()).isEqualTo(ExitCode.USAGE);
    assertThat(json.err()).contains("--json is for one disk");

    Cli notOfVm =
        Cli.run("make", "--disk", folder.resolve(VmFolder.INDEPENDENT).toString(), vmx.toString());
    assertThat(notOfVm.code()).isEqualTo(ExitCode.USAGE);
    assertThat(notOfVm.err()).contains("is not one of the disks of");
    before.assertUnchanged();
  }

  @Test
  void aRunningVmIsRefused() throws IOException {
    Path lock = Files.createDirectories(folder.resolve(VmFolder.VMX + ".lck"));
    Files.writeString(lock.resolve("M31337.lck"), "vmx\n");
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli r = Cli.run("make", vmx.toString());

    assertThat(r.code()).isEqualTo(ExitCode.IN_USE);
    assertThat(r.err()).contains(VmFolder.VMX + ".lck");
    before.assertUnchanged();
  }

  @Test
  void commitOnTheVmxMergesEveryDisk() throws IOException {
    assertThat(Cli.run("make", vmx.toString()).code()).isZero();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      QemuDisks.write(folder.resolve(disk), 0, 65536, 0x99);
    }

    Cli r = Cli.run("commit", vmx.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith(vmx + ": committed 3 disks:");
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      assertThat(folder.resolve(disk.replace(".vmdk", "-000000.vmdk"))).doesNotExist();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void infoAndCheckShowEveryDisk() throws IOException {
    assertThat(Cli.run("make", vmx.toString()).code()).isZero();
    FolderSnapshot before = FolderSnapshot.of(folder);

    Cli text = Cli.run("info", vmx.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out().lines().filter(l -> l.startsWith("== ")))
        .containsExactly(
            "== scsi0:0: sys.vmdk ==", "== scsi0:1: data.vmdk ==", "== sata0:0: flat.vmdk ==");

    Cli json = Cli.run("info", "--json", vmx.toString());
    assertThat(json.code()).as(json.err()).isZero();
    Map<String, Object> doc = (Map<String, Object>) JsonDocuments.parse(json.out());
    assertThat(doc.keySet()).containsExactly("schema_version", "vmx", "disks", "left_out");
    List<Map<String, Object>> disks = (List<Map<String, Object>>) doc.get("disks");
    assertThat(disks)
        .extracting(d -> d.get("device"))
        .containsExactly("scsi0:0", "scsi0:1", "sata0:0");
    Map<String, Object> sys = (Map<String, Object>) disks.get(0).get("document");
    List<Map<String, Object>> layers = (List<Map<String, Object>>) sys.get("layers");
    assertThat(layers)
        .extracting(l -> l.get("name"))
        .containsExactly("sys.vmdk", "sys-000000.vmdk");
    assertThat(layers.get(1).get("frozen_at")).isNotNull();
    assertThat((List<Map<String, Object>>) doc.get("left_out"))
        .extracting(d -> d.get("reason"))
        .containsExactly("independent_persistent", "cdrom");

    assertThat(Cli.run("check", vmx.toString()).code()).isZero();
    before.assertUnchanged();

    // One disk's frozen parent is damaged: the VM's check fails, on that disk only.
    try (RandomAccessFile f =
        new RandomAccessFile(folder.resolve("sys-000000.vmdk").toFile(), "rw")) {
      f.seek(12); // the header's capacity: 0 sectors
      f.writeLong(0);
    }
    Cli bad = Cli.run("check", "--json", vmx.toString());
    assertThat(bad.code()).isEqualTo(ExitCode.CORRUPT);
    Map<String, Object> badDoc = (Map<String, Object>) JsonDocuments.parse(bad.out());
    List<Map<String, Object>> checked = (List<Map<String, Object>>) badDoc.get("disks");
    assertThat(((Map<String, Object>) checked.get(0).get("document")).get("clean"))
        .isEqualTo(false);
    assertThat(((Map<String, Object>) checked.get(1).get("document")).get("clean")).isEqualTo(true);
  }
}
