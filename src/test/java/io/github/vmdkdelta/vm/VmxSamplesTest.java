package io.github.vmdkdelta.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.vm.LeftOutDevice.Reason;
import io.github.vmdkdelta.vm.VmDisk.Location;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seven real {@code .vmx} files VMware Workstation wrote, in {@code ../shared/vmx-samples/}
 * (read from there, never copied into the repository; the environment variable {@code VMX_SAMPLES}
 * names another folder, for worktrees elsewhere). Each is copied into a temporary VM folder holding
 * only the disks its README says it must snapshot, as empty files: selecting any other .vmdk fails
 * as a missing disk. Without the folder the tests are skipped with a message, and fail in CI
 * ({@code CI=true}).
 */
class VmxSamplesTest {
  private static Path samples;

  @TempDir Path vm;

  @BeforeAll
  static void findSamples() {
    String override = System.getenv("VMX_SAMPLES");
    Path dir =
        override != null && !override.isEmpty()
            ? Path.of(override)
            : Path.of(System.getProperty("basedir", ""))
                .toAbsolutePath()
                .resolve("../shared/vmx-samples")
                .normalize();
    if (!Files.isDirectory(dir)) {
      String message = "no .vmx samples in " + dir + " (set VMX_SAMPLES to their folder)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      System.err.println("SKIPPED VmxSamplesTest: " + message);
      Assumptions.abort(message);
    }
    samples = dir;
  }

  /** What each sample must give: its disks (device, file name) and its left-out devices. */
  private record Expected(Map<String, String> disks, Map<String, Reason> leftOut) {}

  private static final Map<String, Expected> EXPECTED =
      Map.of(
          "14-ws17-win7-shiftjis-crlf.vmx",
          new Expected(Map.of("scsi0:0", "Windows 7 x64.vmdk"), Map.of("sata0:1", Reason.CDROM)),
          "15-ws-win7-windows1252-two-scsi-disks.vmx",
          new Expected(
              Map.of("scsi0:0", "Windows 7 x64.vmdk", "scsi0:1", "Windows 7 x64-0.vmdk"),
              Map.of("sata0:1", Reason.CDROM)),
          "16-ws17-ubuntu-windows949-sata-cdroms-floppy.vmx",
          new Expected(
              Map.of("scsi0:0", "Ubuntu 64-bit.vmdk"),
              Map.of("sata0:0", Reason.CDROM, "sata0:1", Reason.CDROM, "floppy0", Reason.FLOPPY)),
          "17-ws17-win10-nvme-utf8-sharedfolder.vmx",
          new Expected(Map.of("nvme0:0", "Windows 10 x64.vmdk"), Map.of("sata0:1", Reason.CDROM)),
          "18-ws-win10-sata-raw-cdrom-autodetect.vmx",
          new Expected(Map.of("scsi0:0", "Windows10EDUx64.vmdk"), Map.of("sata0:1", Reason.CDROM)),
          "20-ws17-win10-nvme-corrupted-unterminated-quote.vmx",
          new Expected(Map.of("nvme0:0", "Windows 10 x64.vmdk"), Map.of("sata0:1", Reason.CDROM)));

  private static final String ENCRYPTED = "19-ws-encrypted-gbk-no-visible-disks.vmx";

  @Test
  void everySampleHasAnExpectation() throws IOException {
    Set<String> expected = new TreeSet<>(EXPECTED.keySet());
    expected.add(ENCRYPTED);
    assertThat(vmxFiles()).containsExactlyElementsOf(expected);
  }

  /** The expectations above are the README's column "disks to snapshot", read from the README. */
  @Test
  void expectationsAreTheReadmes() throws IOException {
    Map<String, Map<String, String>> readme = new TreeMap<>();
    Pattern row = Pattern.compile("^\\| ([^|]+\\.vmx) \\|.*\\|([^|]*)\\|\\s*$");
    Pattern disk = Pattern.compile("((?:ide|scsi|sata|nvme)\\d+:\\d+) `([^`]+)`");
    for (String line : Files.readAllLines(samples.resolve("README.md"), StandardCharsets.UTF_8)) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        Map<String, String> disks = new TreeMap<>();
        Matcher d = disk.matcher(m.group(2));
        while (d.find()) {
          disks.put(d.group(1), d.group(2));
        }
        readme.put(m.group(1).trim(), disks);
      }
    }
    Map<String, Map<String, String>> ours = new TreeMap<>();
    EXPECTED.forEach((k, v) -> ours.put(k, new TreeMap<>(v.disks())));
    ours.put(ENCRYPTED, Map.of());
    assertThat(readme).isEqualTo(ours);
  }

  @Test
  void sample14ShiftJisCrlfWithAnIsoOnADriveLetter() throws IOException {
    VmDisks d = select("14-ws17-win7-shiftjis-crlf.vmx");
    assertThat(VmxFile.read(vm.resolve("14-ws17-win7-shiftjis-crlf.vmx")).charset().name())
        .isEqualTo("windows-31j");
    assertThat(d.leftOut().get(0).fileName()).isEqualTo("I:\\Mediabackup\\Windows7Update.iso");
  }

  @Test
  void sample15TwoScsiDisksTheDashZeroIsASecondDisk() throws IOException {
    select("15-ws-win7-windows1252-two-scsi-disks.vmx");
  }

  @Test
  void sample16Windows949TwoSataIsosAndAFloppyWithoutPresent() throws IOException {
    VmDisks d = select("16-ws17-ubuntu-windows949-sata-cdroms-floppy.vmx");
    assertThat(
            VmxFile.read(vm.resolve("16-ws17-ubuntu-windows949-sata-cdroms-floppy.vmx"))
                .charset()
                .name())
        .isEqualTo("x-windows-949");
    assertThat(d.leftOut()).contains(new LeftOutDevice("floppy0", "autoinst.flp", Reason.FLOPPY));
  }

  @Test
  void sample17NvmeUtf8WithChineseText() throws IOException {
    select("17-ws17-win10-nvme-utf8-sharedfolder.vmx");
    VmxFile f = VmxFile.read(vm.resolve("17-ws17-win10-nvme-utf8-sharedfolder.vmx"));
    assertThat(f.get("sharedFolder0.guestName")).contains("共享文件夹");
    assertThat(f.get("sharedfolder0.HOSTPATH")).contains("D:\\Virtual Machines\\共享文件夹");
    assertThat(f.brokenLines()).isEmpty();
  }

  @Test
  void sample18RawCdromNamedAutoDetect() throws IOException {
    VmDisks d = select("18-ws-win10-sata-raw-cdrom-autodetect.vmx");
    assertThat(d.leftOut())
        .containsExactly(new LeftOutDevice("sata0:1", "auto detect", Reason.CDROM));
  }

  @Test
  void sample19EncryptedIsRefusedWithTheReason() throws IOException {
    Path vmx = copy(ENCRYPTED);
    FolderSnapshot before = FolderSnapshot.of(vm);
    assertThatThrownBy(() -> VmDisks.read(vmx))
        .isInstanceOf(UnsupportedImageException.class)
        .hasMessage(
            vmx
                + ": encryption.keySafe: the VM is encrypted: its disks are listed inside"
                + " encryption.data, which vmdk-delta cannot read; decrypt it in VMware first");
    before.assertUnchanged();
  }

  @Test
  void sample20BrokenLinesDoNotSwallowTheNextAndAreReported() throws IOException {
    VmDisks d = select("20-ws17-win10-nvme-corrupted-unterminated-quote.vmx");
    assertThat(d.skippedLines())
        .extracting(VmxFile.BrokenLine::line, VmxFile.BrokenLine::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(121, "sharedFolder0.hostPath"),
            org.assertj.core.groups.Tuple.tuple(122, "sharedFolder0.guestName"));
    assertThat(d.skippedLines()).allMatch(b -> b.problem().contains("no closing quote"));
    VmxFile f = VmxFile.read(vm.resolve("20-ws17-win10-nvme-corrupted-unterminated-quote.vmx"));
    // the lines after each broken one are read as themselves
    assertThat(f.get("sharedFolder.maxNum")).contains("1");
    assertThat(f.entries()).anyMatch(e -> e.line() == 123);
  }

  /**
   * Every sample VM with real (small, qemu-made) disks: {@code make} on its .vmx freezes exactly
   * the disks of its expectation, each a valid chain for qemu-img, and {@code delete} gives the
   * folder back byte for byte; the encrypted one is refused with nothing changed.
   */
  @Test
  void makeAndDeleteOnEverySampleVm() throws IOException {
    for (String name : vmxFiles()) {
      Path folder = Files.createDirectories(vm.resolve(name.substring(0, 2)));
      Path vmx = Files.copy(samples.resolve(name), folder.resolve(name));
      Expected e = EXPECTED.get(name);
      if (e != null) {
        for (String disk : e.disks().values()) {
          QemuDisks.base(folder, disk, "8M");
        }
      }
      FolderSnapshot before = FolderSnapshot.of(folder);

      Cli made = Cli.run("make", vmx.toString());

      if (e == null) {
        assertThat(made.code()).as(name).isEqualTo(4);
        assertThat(made.err()).as(name).contains("the VM is encrypted").hasLineCount(1);
        before.assertUnchanged();
        continue;
      }
      assertThat(made.code()).as(name + ": " + made.err()).isZero();
      assertThat(made.out()).contains("snapshot made of " + e.disks().size() + " disk");
      try (Stream<Path> files = Files.list(folder)) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("-000000")))
            .as(name)
            .containsExactlyInAnyOrderElementsOf(
                e.disks().values().stream().map(d -> d.replace(".vmdk", "-000000.vmdk")).toList());
      }
      for (String disk : e.disks().values()) {
        ExternalTools.run(folder, ExternalTools.require(ExternalTools.QEMU_IMG), "check", disk)
            .expectSuccess();
      }
      Cli deleted = Cli.run("delete", vmx.toString());
      assertThat(deleted.code()).as(name + ": " + deleted.err()).isZero();
      before.assertUnchanged();
    }
  }

  // ------------------------------------------------------------------------------------------

  /** Copies the sample, makes its expected disks, selects, and checks the whole expectation. */
  private VmDisks select(String name) throws IOException {
    Expected e = EXPECTED.get(name);
    Path vmx = copy(name);
    for (String disk : e.disks().values()) {
      Files.createFile(vm.resolve(disk));
    }
    FolderSnapshot before = FolderSnapshot.of(vm);
    VmDisks d = VmDisks.read(vmx);
    before.assertUnchanged();

    Map<String, String> disks = new TreeMap<>();
    for (VmDisk disk : d.disks()) {
      disks.put(disk.device(), disk.fileName());
      assertThat(disk.location()).as(disk.device()).isEqualTo(Location.IN_FOLDER);
      assertThat(disk.path()).isEqualTo(vm.toAbsolutePath().resolve(disk.fileName()));
    }
    assertThat(disks).as("disks of " + name).isEqualTo(new TreeMap<>(e.disks()));
    Map<String, Reason> left = new TreeMap<>();
    d.leftOut().forEach(l -> left.put(l.device(), l.reason()));
    assertThat(left).as("left out of " + name).isEqualTo(new TreeMap<>(e.leftOut()));
    return d;
  }

  private Path copy(String name) throws IOException {
    return Files.copy(samples.resolve(name), vm.resolve(name));
  }

  private static List<String> vmxFiles() throws IOException {
    try (Stream<Path> s = Files.list(samples)) {
      List<String> names = new ArrayList<>();
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".vmx"))
          .sorted()
          .forEach(names::add);
      return names;
    }
  }
}
