package io.github.vmdkdelta.vm;

import io.github.vmdkdelta.vm.LeftOutDevice.Reason;
import io.github.vmdkdelta.vm.VmDisk.Location;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import io.github.vmdkdelta.vmdk.VmdkException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The disks a whole-VM snapshot covers, read from a {@code .vmx}: every {@code ideN:M}, {@code
 * scsiN:M}, {@code sataN:M} and {@code nvmeN:M} device that is present and whose {@code .fileName}
 * names a {@code .vmdk} disk in a mode VMware snapshots; and every other such device (and floppy
 * drive) with the reason it is left out. docs/vmx.md gives each rule and its source.
 *
 * <p>Nothing is guessed that could leave a disk out unseen: a broken line, a repeated name, or a
 * value this reader does not know, on a key that decides whether a disk is in, refuses the whole
 * file instead.
 *
 * @param vmx the {@code .vmx} read
 * @param disks the disks to snapshot, in device order (ide, scsi, sata, nvme; bus; unit)
 * @param leftOut the devices left out, with why, in the same order
 * @param skippedLines lines VMware would not read either, which cannot concern a disk: worth a
 *     warning
 */
public record VmDisks(
    Path vmx,
    List<VmDisk> disks,
    List<LeftOutDevice> leftOut,
    List<VmxFile.BrokenLine> skippedLines) {

  public VmDisks {
    disks = List.copyOf(disks);
    leftOut = List.copyOf(leftOut);
    skippedLines = List.copyOf(skippedLines);
  }

  private static final Set<String> DECISIVE = Set.of("present", "filename", "devicetype", "mode");

  /** Device types of a disk (VMware's default for a .vmdk when none is given is a disk). */
  private static final Set<String> DISK_TYPES = Set.of("disk", "scsi-harddisk", "ata-harddisk");

  private static final Set<String> RAW_TYPES = Set.of("rawdisk", "scsi-passthru");

  /** Values VMware writes in a {@code .fileName} for "no file". */
  private static final Set<String> NO_FILE_VALUES =
      Set.of("", "emptybackingstring", "auto detect", "vmware-null-remote-floppy");

  private static final Pattern WINDOWS_PATH = Pattern.compile("^[A-Za-z]:.*|.*\\\\.*");

  private static final boolean WINDOWS_HOST = File.separatorChar == '\\';

  /** Reads {@code vmx} and selects its disks. */
  public static VmDisks read(Path vmx) throws IOException {
    return of(VmxFile.read(vmx));
  }

  /**
   * Selects the disks of a read {@code .vmx}, resolving file names against its folder.
   *
   * @throws UnsupportedImageException (exit 4) for an encrypted VM, or a value that decides about a
   *     disk and that this reader does not know (a device type, a mode, a present that is neither
   *     TRUE nor FALSE)
   * @throws CorruptImageException (exit 3) for a broken line or a repeated name that could decide
   *     about a disk, a file name that is no path, or two devices naming one file
   * @throws MissingDiskException (exit 6) when a disk's file does not exist
   */
  public static VmDisks of(VmxFile vmx) throws IOException {
    Path file = vmx.file();
    refuseEncrypted(vmx);
    List<VmxFile.BrokenLine> skipped = new ArrayList<>();
    for (VmxFile.BrokenLine b : vmx.brokenLines()) {
      if (decisive(b.key()) || b.mentionsVmdk()) {
        throw new CorruptImageException(
            file,
            "line " + b.line(),
            (b.key().isEmpty() ? "" : b.key() + ": ")
                + b.problem()
                + "; the line may concern a disk, and a snapshot that leaves a disk out is worse"
                + " than none: repair the line (VMware rewrites the file when it saves the VM)");
      }
      skipped.add(b);
    }

    Map<String, List<DeviceKey>> devices = new LinkedHashMap<>();
    for (String key : vmx.normalKeys()) {
      Optional<DeviceKey> d = DeviceKey.parse(key);
      if (d.isPresent()) {
        List<VmxFile.Entry> lines = vmx.all(key);
        if (lines.size() > 1 && DECISIVE.contains(d.get().property())) {
          throw repeated(file, lines);
        }
        devices
            .computeIfAbsent(VmxFile.normal(d.get().device()), k -> new ArrayList<>())
            .add(d.get());
      } else if (DeviceKey.isAdapterPresent(key) && vmx.all(key).size() > 1) {
        throw repeated(file, vmx.all(key));
      }
    }

    Path folder = file.toAbsolutePath().getParent();
    List<DeviceKey> order =
        devices.values().stream()
            .map(keys -> keys.get(0))
            .sorted(Comparator.comparingInt(DeviceKey::order))
            .toList();
    List<VmDisk> disks = new ArrayList<>();
    List<LeftOutDevice> leftOut = new ArrayList<>();
    for (DeviceKey d : order) {
      String device = spelling(vmx, d);
      String fileName = vmx.get(d.key("fileName")).orElse("");
      Optional<Reason> reason = reasonLeftOut(vmx, d, device, fileName);
      if (d.isFloppy() && vmx.get(d.key("fileName")).isEmpty()) {
        continue; // a floppy drive without a file is no disk anyone could miss
      }
      if (reason.isPresent()) {
        leftOut.add(new LeftOutDevice(device, fileName, reason.get()));
      } else {
        disks.add(resolve(file, folder, device, fileName));
      }
    }
    checkFilesExist(file, disks);
    checkDistinct(file, disks);
    return new VmDisks(file, disks, leftOut, skipped);
  }

  /**
   * This selection, when it holds at least one disk.
   *
   * @throws UnsupportedImageException (exit 4) when every device is left out
   */
  public VmDisks requireDisks() throws UnsupportedImageException {
    if (!disks.isEmpty()) {
      return this;
    }
    StringBuilder why = new StringBuilder();
    for (LeftOutDevice d : leftOut) {
      why.append(why.length() == 0 ? " (" : ", ").append(d.device()).append(' ').append(d.reason());
    }
    throw new UnsupportedImageException(
        vmx,
        "",
        "no disk to snapshot: no present .vmdk device in a snapshot mode"
            + (why.length() == 0 ? "" : why.append(')')));
  }

  // ------------------------------------------------------------------------------------------

  /**
   * VMware Workstation's encrypted VM keeps its configuration, devices included, inside {@code
   * encryption.data} (sample 19: only .encoding, displayName and the two encryption keys remain
   * outside), and encrypts the disks. Refused even when device keys are visible too: more of them
   * may be hidden inside, and a delta on an encrypted disk would not be encrypted.
   */
  private static void refuseEncrypted(VmxFile vmx) throws UnsupportedImageException {
    for (String key : List.of("encryption.keySafe", "encryption.data")) {
      boolean broken = vmx.brokenLines().stream().anyMatch(b -> b.key().equalsIgnoreCase(key));
      if (!vmx.all(key).isEmpty() || broken) {
        boolean devices = vmx.normalKeys().stream().anyMatch(k -> DeviceKey.parse(k).isPresent());
        throw new UnsupportedImageException(
            vmx.file(),
            key,
            devices
                ? "the VM is encrypted: part of its configuration, perhaps disks, is inside"
                    + " encryption.data, which vmdk-delta cannot read, and its disks are encrypted;"
                    + " decrypt it in VMware first"
                : "the VM is encrypted: its disks are listed inside encryption.data, which"
                    + " vmdk-delta cannot read; decrypt it in VMware first");
      }
    }
  }

  private static boolean decisive(String key) {
    if (key.isEmpty()) {
      return false;
    }
    Optional<DeviceKey> d = DeviceKey.parse(key);
    return d.isPresent() && DECISIVE.contains(d.get().property())
        || DeviceKey.isAdapterPresent(key)
        || key.equalsIgnoreCase(".encoding")
        || key.toLowerCase(Locale.ROOT).startsWith("encryption.");
  }

  private static CorruptImageException repeated(Path file, List<VmxFile.Entry> lines) {
    return new CorruptImageException(
        file,
        lines.get(1).key(),
        "set on lines "
            + lines.get(0).line()
            + " and "
            + lines.get(1).line()
            + " (names compare in any letter case): VMware refuses such a file as corrupt, and"
            + " which value would count is unknown; keep one of the lines");
  }

  private static String spelling(VmxFile vmx, DeviceKey d) {
    for (VmxFile.Entry e : vmx.entries()) {
      Optional<DeviceKey> k = DeviceKey.parse(e.key());
      if (k.isPresent() && k.get().device().equalsIgnoreCase(d.device())) {
        return k.get().device();
      }
    }
    return d.device();
  }

  /** Why the device is left out, or empty when it is a disk to snapshot. */
  private static Optional<Reason> reasonLeftOut(
      VmxFile vmx, DeviceKey d, String device, String fileName) throws VmdkException {
    Path file = vmx.file();
    if (d.isFloppy()) {
      return Optional.of(Reason.FLOPPY);
    }
    String type = vmx.get(d.key("deviceType")).orElse("").toLowerCase(Locale.ROOT);
    String name = fileName.toLowerCase(Locale.ROOT);
    Optional<Reason> kind;
    if (type.contains("cdrom")) {
      kind = Optional.of(Reason.CDROM);
    } else if (RAW_TYPES.contains(type)) {
      kind = Optional.of(Reason.RAW_OR_PASSTHROUGH);
    } else if (NO_FILE_VALUES.contains(name.strip())) {
      kind = Optional.of(Reason.NO_FILE);
    } else if (name.endsWith(".iso")) {
      kind = Optional.of(Reason.CDROM);
    } else if (!name.endsWith(".vmdk")) {
      kind = Optional.of(Reason.NOT_A_VMDK);
    } else if (!type.isEmpty() && !DISK_TYPES.contains(type)) {
      throw new UnsupportedImageException(
          file,
          vmx.all(d.key("deviceType")).get(0).key(),
          "unknown device type for a .vmdk (\""
              + vmx.get(d.key("deviceType")).get()
              + "\"): vmdk-delta cannot tell whether VMware snapshots "
              + device);
    } else {
      kind = Optional.empty();
    }

    Optional<Boolean> present = bool(vmx, d.key("present"));
    Optional<Boolean> adapter =
        d.kind().equals("ide") && vmx.get(d.adapterPresent()).isEmpty()
            ? Optional.of(true)
            : bool(vmx, d.adapterPresent());
    if (kind.isPresent()) {
      return present.orElse(false) ? kind : Optional.of(Reason.NOT_PRESENT);
    }
    // A disk, if present: a value this reader does not know is refused rather than guessed.
    if (vmx.get(d.key("present")).isPresent() && present.isEmpty()) {
      throw unknownSwitch(vmx, d.key("present"), device);
    }
    if (!present.orElse(false)) {
      return Optional.of(Reason.NOT_PRESENT);
    }
    if (vmx.get(d.adapterPresent()).isPresent() && adapter.isEmpty()) {
      throw unknownSwitch(vmx, d.adapterPresent(), device);
    }
    // A missing adapter switch counts as present: a needless delta harms nothing, a disk left out
    // unseen breaks the snapshot (inferred; VMware writes scsi0.present for every adapter).
    if (!adapter.orElse(true)) {
      return Optional.of(Reason.ADAPTER_NOT_PRESENT);
    }
    String mode = vmx.get(d.key("mode")).orElse("persistent").toLowerCase(Locale.ROOT);
    switch (mode) {
      case "persistent":
        return Optional.empty();
      case "independent-persistent":
        return Optional.of(Reason.INDEPENDENT_PERSISTENT);
      case "independent-nonpersistent":
        return Optional.of(Reason.INDEPENDENT_NONPERSISTENT);
      default:
        throw new UnsupportedImageException(
            file,
            vmx.all(d.key("mode")).get(0).key(),
            "unknown disk mode (\""
                + vmx.get(d.key("mode")).get()
                + "\", expected persistent, independent-persistent or independent-nonpersistent):"
                + " vmdk-delta cannot tell whether VMware snapshots "
                + device);
    }
  }

  /** TRUE or FALSE in any letter case; empty when missing or anything else. */
  private static Optional<Boolean> bool(VmxFile vmx, String key) {
    Optional<String> v = vmx.get(key);
    if (v.isPresent() && v.get().equalsIgnoreCase("true")) {
      return Optional.of(true);
    }
    if (v.isPresent() && v.get().equalsIgnoreCase("false")) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  private static UnsupportedImageException unknownSwitch(VmxFile vmx, String key, String device) {
    return new UnsupportedImageException(
        vmx.file(),
        vmx.all(key).get(0).key(),
        "neither TRUE nor FALSE (\""
            + vmx.get(key).get()
            + "\"): vmdk-delta cannot tell whether VMware uses the disk of "
            + device);
  }

  private static VmDisk resolve(Path vmx, Path folder, String device, String fileName)
      throws VmdkException {
    if (!WINDOWS_HOST && WINDOWS_PATH.matcher(fileName).matches()) {
      return new VmDisk(device, fileName, null, Location.WINDOWS_PATH);
    }
    Path named;
    try {
      named = folder.resolve(fileName);
    } catch (InvalidPathException e) {
      throw new CorruptImageException(
          vmx, device + ".fileName", "not a file name (\"" + fileName + "\"): " + e.getReason());
    }
    Path parent = named.getParent();
    if (parent != null && Files.isDirectory(parent) && sameFile(parent, folder)) {
      return new VmDisk(device, fileName, folder.resolve(named.getFileName()), Location.IN_FOLDER);
    }
    return new VmDisk(device, fileName, named.normalize(), Location.OUTSIDE_FOLDER);
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkFilesExist(Path vmx, List<VmDisk> disks) throws MissingDiskException {
    for (VmDisk d : disks) {
      if (d.path() != null && !Files.isRegularFile(d.path())) {
        throw new MissingDiskException(vmx, d.device(), d.path());
      }
    }
  }

  /** Two devices on one file: by identity where both can be seen, else by the Windows name. */
  private static void checkDistinct(Path vmx, List<VmDisk> disks) throws IOException {
    for (int i = 0; i < disks.size(); i++) {
      for (int j = 0; j < i; j++) {
        VmDisk a = disks.get(j);
        VmDisk b = disks.get(i);
        boolean same =
            a.path() != null && b.path() != null
                ? Files.isSameFile(a.path(), b.path())
                : a.path() == null
                    && b.path() == null
                    && windowsName(a.fileName()).equals(windowsName(b.fileName()));
        if (same) {
          throw new CorruptImageException(
              vmx,
              b.device() + ".fileName",
              "names the same disk as "
                  + a.device()
                  + " (\""
                  + b.fileName()
                  + "\", \""
                  + a.fileName()
                  + "\"): a disk can be attached once");
        }
      }
    }
  }

  private static String windowsName(String name) {
    return name.replace('/', '\\').toLowerCase(Locale.ROOT);
  }
}
