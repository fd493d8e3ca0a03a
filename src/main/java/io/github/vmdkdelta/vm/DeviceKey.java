package io.github.vmdkdelta.vm;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code .vmx} name that belongs to a disk slot or a floppy drive: {@code scsi0:1.fileName} is
 * device {@code scsi0:1}, property {@code fileName}. The grammar is exact, as VMware names its
 * devices: adapter kind, bus number, ':', unit number, '.', property; numbers without leading
 * zeros. Lookalikes are not devices: {@code sched.scsi0:0.shares} (starts with sched.), {@code
 * pciBridge1:0.pxm}, {@code usb_xhci:4.present}, {@code scsi0.present} (the adapter, see {@link
 * #adapterPresent}).
 *
 * @param kind the adapter kind, lowercase ({@code ide}, {@code scsi}, {@code sata}, {@code nvme},
 *     {@code floppy})
 * @param bus the adapter number
 * @param unit the unit on the adapter; 0 for a floppy drive
 * @param device the device as spelled in the file ({@code SCSI0:1}, {@code floppy0})
 * @param property the property, lowercase ({@code filename}, {@code present} ...)
 */
record DeviceKey(String kind, int bus, int unit, String device, String property) {
  /** Adapter kinds in the order devices are listed. */
  static final java.util.List<String> KINDS = java.util.List.of("ide", "scsi", "sata", "nvme");

  // Three digits: VMware's adapters and units number below 100 (SCSI 0-3 and 0-63, SATA 0-3 and
  // 0-29, NVMe 0-3 and 0-63, IDE 0-1 and 0-1); a longer number is no device VMware reads.
  private static final Pattern SLOT =
      Pattern.compile(
          "((ide|scsi|sata|nvme)(0|[1-9][0-9]{0,2}):(0|[1-9][0-9]{0,2}))\\.(.+)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern FLOPPY =
      Pattern.compile("(floppy(0|[1-9][0-9]{0,2}))\\.(.+)", Pattern.CASE_INSENSITIVE);

  private static final Pattern ADAPTER_PRESENT =
      Pattern.compile(
          "(ide|scsi|sata|nvme)(0|[1-9][0-9]{0,2})\\.present", Pattern.CASE_INSENSITIVE);

  /** Whether {@code key} is an adapter's present switch ({@code scsi0.present}). */
  static boolean isAdapterPresent(String key) {
    return ADAPTER_PRESENT.matcher(key).matches();
  }

  static Optional<DeviceKey> parse(String key) {
    Matcher m = SLOT.matcher(key);
    if (m.matches()) {
      return Optional.of(
          new DeviceKey(
              lower(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              m.group(1),
              lower(m.group(5))));
    }
    m = FLOPPY.matcher(key);
    if (m.matches()) {
      return Optional.of(
          new DeviceKey("floppy", Integer.parseInt(m.group(2)), 0, m.group(1), lower(m.group(3))));
    }
    return Optional.empty();
  }

  boolean isFloppy() {
    return kind.equals("floppy");
  }

  /** The name of this device's adapter's present switch, {@code scsi0.present}. */
  String adapterPresent() {
    return kind + bus + ".present";
  }

  /** The name of one of this device's properties, {@code scsi0:1.mode}. */
  String key(String property) {
    return isFloppy() ? kind + bus + "." + property : kind + bus + ":" + unit + "." + property;
  }

  /** Sorts ide, scsi, sata, nvme, then floppy drives; by bus, then unit. */
  int order() {
    int k = isFloppy() ? KINDS.size() : KINDS.indexOf(kind);
    return (k * 1000 + bus) * 1000 + unit;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
