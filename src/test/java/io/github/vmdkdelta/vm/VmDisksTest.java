package io.github.vmdkdelta.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.vm.LeftOutDevice.Reason;
import io.github.vmdkdelta.vm.VmDisk.Location;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which devices of a .vmx are disks to snapshot, which are left out and why, and every refusal. */
class VmDisksTest {
  @TempDir Path root;

  private Path vm() throws IOException {
    return Files.createDirectories(root.resolve("My VM"));
  }

  private Path vmx(String... lines) throws IOException {
    Path vmx = vm().resolve("My VM.vmx");
    Files.writeString(vmx, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
    return vmx;
  }

  private Path disk(String name) throws IOException {
    Path p = vm().resolve(name);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[] {1});
  }

  private static List<String> devices(VmDisks d) {
    return d.disks().stream().map(VmDisk::device).toList();
  }

  /** Refused: the exception type and its one-line message, and the folder as it was. */
  private void assertRefused(Path vmx, Class<? extends Exception> type, String message)
      throws IOException {
    FolderSnapshot before = FolderSnapshot.of(root);
    assertThatThrownBy(() -> VmDisks.read(vmx))
        .isInstanceOf(type)
        .hasMessage(vmx + ": " + message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
    before.assertUnchanged();
  }

  @Test
  void aPresentVmdkIsADiskWhateverTheLetterCaseOfKeysAndValues() throws IOException {
    disk("sys.vmdk");
    disk("data.vmdk");
    disk("third.vmdk");
    Path vmx =
        vmx(
            "#!/usr/bin/vmware",
            ".encoding = \"UTF-8\"",
            "scsi0.present = \"TRUE\"",
            "SCSI0:0.PRESENT = \"true\"",
            "scsi0:0.filename = \"sys.vmdk\"",
            "sata0.present = \"True\"",
            "sata0:2.fileName = \"data.vmdk\"",
            "Sata0:2.Present = \"tRuE\"",
            "nvme0:0.present = \"TRUE\"",
            "nvme0:0.fileName = \"third.vmdk\"",
            "nvme0:0.deviceType = \"disk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(d.disks())
        .extracting(VmDisk::device, VmDisk::fileName, VmDisk::location)
        .containsExactly(
            tuple("SCSI0:0", "sys.vmdk", Location.IN_FOLDER),
            tuple("sata0:2", "data.vmdk", Location.IN_FOLDER),
            tuple("nvme0:0", "third.vmdk", Location.IN_FOLDER));
    assertThat(d.disks().get(0).path()).isEqualTo(vm().toAbsolutePath().resolve("sys.vmdk"));
    assertThat(d.leftOut()).isEmpty();
    assertThat(d.requireDisks()).isSameAs(d);
  }

  @Test
  void devicesAreListedIdeScsiSataNvmeThenByBusAndUnitAsNumbers() throws IOException {
    for (String n : List.of("a", "b", "c", "d", "e", "f")) {
      disk(n + ".vmdk");
    }
    Path vmx =
        vmx(
            "nvme0:0.present = \"TRUE\"", "nvme0:0.fileName = \"a.vmdk\"",
            "scsi0:10.present = \"TRUE\"", "scsi0:10.fileName = \"b.vmdk\"",
            "scsi1:0.present = \"TRUE\"", "scsi1:0.fileName = \"c.vmdk\"",
            "scsi0:2.present = \"TRUE\"", "scsi0:2.fileName = \"d.vmdk\"",
            "sata0:0.present = \"TRUE\"", "sata0:0.fileName = \"e.vmdk\"",
            "ide1:0.present = \"TRUE\"", "ide1:0.fileName = \"f.vmdk\"");
    assertThat(devices(VmDisks.read(vmx)))
        .containsExactly("ide1:0", "scsi0:2", "scsi0:10", "scsi1:0", "sata0:0", "nvme0:0");
  }

  @Test
  void lookalikeKeysAreNoDevices() throws IOException {
    disk("sys.vmdk");
    Path vmx =
        vmx(
            "scsi0.present = \"TRUE\"",
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"sys.vmdk\"",
            "sched.scsi0:0.shares = \"normal\"",
            "sched.scsi0:1.fileName = \"ghost1.vmdk\"",
            "pciBridge1:0.pxm = \"1\"",
            "pciBridge1:0.fileName = \"ghost2.vmdk\"",
            "usb_xhci:4.present = \"TRUE\"",
            "usb_xhci:4.fileName = \"ghost3.vmdk\"",
            "usb:0.present = \"TRUE\"",
            "scsi00:1.present = \"TRUE\"",
            "scsi00:1.fileName = \"ghost4.vmdk\"",
            "scsi0:01.present = \"TRUE\"",
            "scsi0:01.fileName = \"ghost5.vmdk\"",
            "xscsi0:2.present = \"TRUE\"",
            "xscsi0:2.fileName = \"ghost6.vmdk\"",
            "scsi0:3present = \"TRUE\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(devices(d)).containsExactly("scsi0:0");
    assertThat(d.leftOut()).isEmpty();
  }

  @Test
  void aMissingOrFalsePresentLeavesTheDiskOutAsNotPresent() throws IOException {
    Path vmx =
        vmx(
            "scsi0:0.fileName = \"never-present.vmdk\"",
            "scsi0:1.fileName = \"off.vmdk\"",
            "scsi0:1.present = \"FALSE\"",
            "scsi0:2.present = \"false\"",
            "scsi0:2.fileName = \"off2.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(d.disks()).isEmpty();
    assertThat(d.leftOut())
        .containsExactly(
            new LeftOutDevice("scsi0:0", "never-present.vmdk", Reason.NOT_PRESENT),
            new LeftOutDevice("scsi0:1", "off.vmdk", Reason.NOT_PRESENT),
            new LeftOutDevice("scsi0:2", "off2.vmdk", Reason.NOT_PRESENT));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "cdrom-image; x.iso; CDROM",
        "CDROM-IMAGE; x.vmdk; CDROM",
        "cdrom-raw; auto detect; CDROM",
        "atapi-cdrom; /dev/sr0; CDROM",
        "cdrom-image; emptyBackingString; CDROM",
        "; image.ISO; CDROM",
        "rawDisk; physical.vmdk; RAW_OR_PASSTHROUGH",
        "scsi-passthru; /dev/sg1; RAW_OR_PASSTHROUGH",
        "; emptyBackingString; NO_FILE",
        "; auto detect; NO_FILE",
        "; vmware-null-remote-floppy; NO_FILE",
        "; ''; NO_FILE",
        "; disk.pln; NOT_A_VMDK",
        "disk; disk.vmdk.bak; NOT_A_VMDK",
      })
  void devicesThatAreNoSnapshotDiskAreLeftOutWithTheirReason(
      String type, String fileName, Reason reason) throws IOException {
    Path vmx =
        type == null
            ? vmx("ide0:1.present = \"TRUE\"", "ide0:1.fileName = \"" + fileName + "\"")
            : vmx(
                "ide0:1.present = \"TRUE\"",
                "ide0:1.fileName = \"" + fileName + "\"",
                "ide0:1.deviceType = \"" + type + "\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(d.disks()).isEmpty();
    assertThat(d.leftOut()).containsExactly(new LeftOutDevice("ide0:1", fileName, reason));
  }

  @Test
  void aDeviceWithoutFileNameIsLeftOutAsNoFile() throws IOException {
    VmDisks d =
        VmDisks.read(vmx("sata0:1.present = \"TRUE\"", "sata0:1.startConnected = \"TRUE\""));
    assertThat(d.leftOut()).containsExactly(new LeftOutDevice("sata0:1", "", Reason.NO_FILE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"disk", "scsi-hardDisk", "ata-hardDisk", "DISK"})
  void diskDeviceTypesAreDisks(String type) throws IOException {
    disk("d.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"d.vmdk\"",
            "scsi0:0.deviceType = \"" + type + "\"");
    assertThat(devices(VmDisks.read(vmx))).containsExactly("scsi0:0");
  }

  @Test
  void floppyDrivesWithAFileAreListedAsLeftOutOthersNot() throws IOException {
    VmDisks d =
        VmDisks.read(
            vmx(
                "floppy0.fileType = \"file\"",
                "floppy0.fileName = \"boot.flp\"",
                "floppy1.present = \"FALSE\""));
    assertThat(d.leftOut())
        .containsExactly(new LeftOutDevice("floppy0", "boot.flp", Reason.FLOPPY));
  }

  @Test
  void independentDisksAreLeftOutPersistentOrNoModeAreIn() throws IOException {
    for (String n : List.of("a", "b", "c", "d")) {
      disk(n + ".vmdk");
    }
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "scsi0:0.mode = \"independent-persistent\"",
            "scsi0:1.present = \"TRUE\"",
            "scsi0:1.fileName = \"b.vmdk\"",
            "scsi0:1.mode = \"Independent-NonPersistent\"",
            "scsi0:2.present = \"TRUE\"",
            "scsi0:2.fileName = \"c.vmdk\"",
            "scsi0:2.mode = \"persistent\"",
            "scsi0:3.present = \"TRUE\"",
            "scsi0:3.fileName = \"d.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(devices(d)).containsExactly("scsi0:2", "scsi0:3");
    assertThat(d.leftOut())
        .containsExactly(
            new LeftOutDevice("scsi0:0", "a.vmdk", Reason.INDEPENDENT_PERSISTENT),
            new LeftOutDevice("scsi0:1", "b.vmdk", Reason.INDEPENDENT_NONPERSISTENT));
  }

  @Test
  void aDiskOnAnAdapterSwitchedOffIsLeftOutAMissingSwitchCountsAsOn() throws IOException {
    disk("a.vmdk");
    disk("b.vmdk");
    disk("c.vmdk");
    Path vmx =
        vmx(
            "scsi0.present = \"FALSE\"",
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "scsi1:0.present = \"TRUE\"",
            "scsi1:0.fileName = \"b.vmdk\"",
            "ide0:0.present = \"TRUE\"",
            "ide0:0.fileName = \"c.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(devices(d)).containsExactly("ide0:0", "scsi1:0");
    assertThat(d.leftOut())
        .containsExactly(new LeftOutDevice("scsi0:0", "a.vmdk", Reason.ADAPTER_NOT_PRESENT));
  }

  @Test
  void nothingToSnapshotIsRefusedByRequireDisksWithTheReasons() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "scsi0:0.mode = \"independent-persistent\"",
            "sata0:1.present = \"TRUE\"",
            "sata0:1.fileName = \"x.iso\"");
    VmDisks d = VmDisks.read(vmx);
    assertThatThrownBy(d::requireDisks)
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessage(
            vmx
                + ": no disk to snapshot: no present .vmdk device in a snapshot mode"
                + " (scsi0:0 INDEPENDENT_PERSISTENT, sata0:1 CDROM)");
  }

  // ------------------------------------------------------------------------------ locations

  @Test
  void anAbsolutePathIntoTheVmFolderIsInTheFolder() throws IOException {
    Path a = disk("a.vmdk").toAbsolutePath();
    Path vmx = vmx("scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"" + a + "\"");
    VmDisk d = VmDisks.read(vmx).disks().get(0);
    assertThat(d.location()).isEqualTo(Location.IN_FOLDER);
    assertThat(d.path()).isEqualTo(a);
  }

  @Test
  void subfoldersParentFoldersAndOtherAbsolutePathsAreOutsideWithTheResolvedPath()
      throws IOException {
    Assumptions.assumeTrue(File.separatorChar == '/', "POSIX paths");
    disk("sub/a.vmdk");
    Path other = Files.createDirectories(root.resolve("other"));
    Path b = Files.write(other.resolve("b.vmdk"), new byte[] {1});
    Path c = Files.write(root.resolve("c.vmdk"), new byte[] {1});
    disk("d.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"sub/a.vmdk\"",
            "scsi0:1.present = \"TRUE\"", "scsi0:1.fileName = \"" + b.toAbsolutePath() + "\"",
            "scsi0:2.present = \"TRUE\"", "scsi0:2.fileName = \"../c.vmdk\"",
            "scsi0:3.present = \"TRUE\"", "scsi0:3.fileName = \"sub/../d.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    Path folder = vm().toAbsolutePath();
    assertThat(d.disks())
        .extracting(VmDisk::device, VmDisk::location, VmDisk::path)
        .containsExactly(
            tuple("scsi0:0", Location.OUTSIDE_FOLDER, folder.resolve("sub/a.vmdk")),
            tuple("scsi0:1", Location.OUTSIDE_FOLDER, b.toAbsolutePath()),
            tuple("scsi0:2", Location.OUTSIDE_FOLDER, c.toAbsolutePath()),
            tuple("scsi0:3", Location.IN_FOLDER, folder.resolve("d.vmdk")));
  }

  @Test
  void windowsPathsCannotBeResolvedOnPosixAndSaySo() throws IOException {
    Assumptions.assumeTrue(File.separatorChar == '/', "POSIX host");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"D:\\VMs\\x.vmdk\"",
            "scsi0:1.present = \"TRUE\"", "scsi0:1.fileName = \"\\\\server\\share\\y.vmdk\"",
            "scsi0:2.present = \"TRUE\"", "scsi0:2.fileName = \"sub\\z.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(d.disks())
        .extracting(VmDisk::fileName, VmDisk::location, VmDisk::path)
        .containsExactly(
            tuple("D:\\VMs\\x.vmdk", Location.WINDOWS_PATH, null),
            tuple("\\\\server\\share\\y.vmdk", Location.WINDOWS_PATH, null),
            tuple("sub\\z.vmdk", Location.WINDOWS_PATH, null));
  }

  // ------------------------------------------------------------------------------ refusals

  @Test
  void aMissingDiskFileIsAnIoError() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"a.vmdk\"",
            "scsi0:1.present = \"TRUE\"", "scsi0:1.fileName = \"gone.vmdk\"");
    assertRefused(
        vmx,
        MissingDiskException.class,
        "scsi0:1.fileName: the disk it names does not exist ("
            + vm().toAbsolutePath().resolve("gone.vmdk")
            + ")");
  }

  @Test
  void twoDevicesNamingOneFileAreRefusedByName() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"a.vmdk\"",
            "sata0:0.present = \"TRUE\"", "sata0:0.fileName = \"./a.vmdk\"");
    assertRefused(
        vmx,
        CorruptImageException.class,
        "sata0:0.fileName: names the same disk as scsi0:0 (\"./a.vmdk\", \"a.vmdk\"):"
            + " a disk can be attached once");
  }

  @Test
  void twoDevicesNamingOneFileAreRefusedByIdentityThroughALinkOrAnAbsolutePath()
      throws IOException {
    Path a = disk("a.vmdk");
    Path link = vm().resolve("b.vmdk");
    try {
      Files.createSymbolicLink(link, a.getFileName());
    } catch (UnsupportedOperationException | IOException e) {
      Assumptions.abort("no symbolic links here: " + e);
    }
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"" + a.toAbsolutePath() + "\"",
            "scsi0:1.present = \"TRUE\"",
            "scsi0:1.fileName = \"b.vmdk\"");
    assertRefused(
        vmx,
        CorruptImageException.class,
        "scsi0:1.fileName: names the same disk as scsi0:0 (\"b.vmdk\", \""
            + a.toAbsolutePath()
            + "\"): a disk can be attached once");
  }

  @Test
  void twoWindowsPathsDifferingInLetterCaseAreOneFile() throws IOException {
    Assumptions.assumeTrue(File.separatorChar == '/', "POSIX host");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"D:\\VMs\\X.vmdk\"",
            "scsi0:1.present = \"TRUE\"", "scsi0:1.fileName = \"d:/vms/x.VMDK\"");
    assertRefused(
        vmx,
        CorruptImageException.class,
        "scsi0:1.fileName: names the same disk as scsi0:0 (\"d:/vms/x.VMDK\", \"D:\\VMs\\X.vmdk\"):"
            + " a disk can be attached once");
  }

  @Test
  void anEncryptedVmIsRefused() throws IOException {
    Path vmx =
        vmx(
            ".encoding = \"GBK\"",
            "displayName = \"Windows 7\"",
            "encryption.keySafe = \"vmware:key/list/x\"",
            "encryption.data = \"n0C3+Fto\"");
    assertRefused(
        vmx,
        UnsupportedImageException.class,
        "encryption.keySafe: the VM is encrypted: its disks are listed inside encryption.data,"
            + " which vmdk-delta cannot read; decrypt it in VMware first");
  }

  @Test
  void anEncryptedVmWithVisibleDevicesIsRefusedToo() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "encryption.data = \"n0C3+Fto\"");
    assertRefused(
        vmx,
        UnsupportedImageException.class,
        "encryption.data: the VM is encrypted: part of its configuration, perhaps disks, is inside"
            + " encryption.data, which vmdk-delta cannot read, and its disks are encrypted;"
            + " decrypt it in VMware first");
  }

  @Test
  void anUnterminatedQuoteBeforeADeviceKeyDoesNotHideTheDiskAndIsReported() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx("displayName = \"half", "scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"a.vmdk\"");
    VmDisks d = VmDisks.read(vmx);
    assertThat(devices(d)).containsExactly("scsi0:0");
    assertThat(d.skippedLines())
        .extracting(VmxFile.BrokenLine::line, VmxFile.BrokenLine::key, VmxFile.BrokenLine::problem)
        .containsExactly(tuple(1, "displayName", "the value has no closing quote"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "scsi0:1.fileName = \"b.vmdk; 3; scsi0:1.fileName: the value has no closing quote",
        "scsi0:1.present = \"TRUE; 3; scsi0:1.present: the value has no closing quote",
        "scsi0:1.mode = \"independent-persistent; 3; scsi0:1.mode: the value has no closing quote",
        "SATA0:1.DeviceType \"disk\"; 3; SATA0:1.DeviceType: no '=' after the name",
        "scsi1.present = \"TRUE\" x; 3; scsi1.present: text after the value",
        "notes = \"old disk was b.vmdk; 3; notes: the value has no closing quote",
      })
  void aBrokenLineThatMayConcernADiskIsRefused(String line, int number, String problem)
      throws IOException {
    disk("a.vmdk");
    Path vmx = vmx("scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"a.vmdk\"", line);
    assertRefused(
        vmx,
        CorruptImageException.class,
        "line "
            + number
            + ": "
            + problem
            + "; the line may concern a disk, and a snapshot that leaves a disk out is worse than"
            + " none: repair the line (VMware rewrites the file when it saves the VM)");
  }

  @Test
  void aDiskFileNameNotInTheDeclaredEncodingIsRefused() throws IOException {
    Path vmx = vm().resolve("My VM.vmx");
    byte[] head =
        "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"d".getBytes(StandardCharsets.US_ASCII);
    byte[] bad = {(byte) 0xe5, (byte) 0xa4, '?'};
    byte[] tail = ".vmdk\"\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
    Files.write(vmx, all);
    assertRefused(
        vmx,
        CorruptImageException.class,
        "line 2: scsi0:0.fileName: the value is not UTF-8 text, the file's declared encoding; the"
            + " line may concern a disk, and a snapshot that leaves a disk out is worse than none:"
            + " repair the line (VMware rewrites the file when it saves the VM)");
  }

  @Test
  void aRepeatedDeviceKeyIsRefusedEvenInAnotherLetterCase() throws IOException {
    disk("a.vmdk");
    disk("b.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "scsi0:0.filename = \"b.vmdk\"");
    assertRefused(
        vmx,
        CorruptImageException.class,
        "scsi0:0.filename: set on lines 2 and 3 (names compare in any letter case): VMware refuses"
            + " such a file as corrupt, and which value would count is unknown; keep one of the"
            + " lines");
  }

  @Test
  void aRepeatedKeyThatConcernsNoDiskIsNoRefusal() throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "tools.remindInstall = \"FALSE\"",
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"a.vmdk\"",
            "tools.remindInstall = \"TRUE\"",
            "scsi0:0.redo = \"\"",
            "scsi0:0.redo = \"\"");
    assertThat(devices(VmDisks.read(vmx))).containsExactly("scsi0:0");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "scsi0:0.present = \"yes\"; scsi0:0.present: neither TRUE nor FALSE (\"yes\"): vmdk-delta"
            + " cannot tell whether VMware uses the disk of scsi0:0",
        "scsi0.present = \"1\"; scsi0.present: neither TRUE nor FALSE (\"1\"): vmdk-delta cannot"
            + " tell whether VMware uses the disk of scsi0:0",
        "scsi0:0.mode = \"undoable\"; scsi0:0.mode: unknown disk mode (\"undoable\", expected"
            + " persistent, independent-persistent or independent-nonpersistent): vmdk-delta"
            + " cannot tell whether VMware snapshots scsi0:0",
        "scsi0:0.deviceType = \"plainDisk\"; scsi0:0.deviceType: unknown device type for a .vmdk"
            + " (\"plainDisk\"): vmdk-delta cannot tell whether VMware snapshots scsi0:0",
      })
  void aValueThisReaderDoesNotKnowOnADiskIsRefused(String line, String message) throws IOException {
    disk("a.vmdk");
    Path vmx =
        vmx(
            "scsi0:0.fileName = \"a.vmdk\"",
            line,
            line.startsWith("scsi0:0.present")
                ? "# present given above"
                : "scsi0:0.present = \"TRUE\"");
    assertRefused(vmx, UnsupportedImageException.class, message);
  }

  @Test
  void anUnknownPresentValueOnACdromIsNoRefusal() throws IOException {
    VmDisks d =
        VmDisks.read(
            vmx(
                "sata0:1.present = \"yes\"",
                "sata0:1.fileName = \"x.iso\"",
                "sata0:1.deviceType = \"cdrom-image\""));
    assertThat(d.leftOut())
        .containsExactly(new LeftOutDevice("sata0:1", "x.iso", Reason.NOT_PRESENT));
  }

  @Test
  void aFileNameThatIsNoPathIsRefused() throws IOException {
    Assumptions.assumeTrue(File.separatorChar == '/', "POSIX host");
    Path vmx = vmx("scsi0:0.present = \"TRUE\"", "scsi0:0.fileName = \"a|00b.vmdk\"");
    FolderSnapshot before = FolderSnapshot.of(root);
    assertThatThrownBy(() -> VmDisks.read(vmx))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageStartingWith(vmx + ": scsi0:0.fileName: not a file name (\"a\u0000b.vmdk\")");
    before.assertUnchanged();
  }
}
