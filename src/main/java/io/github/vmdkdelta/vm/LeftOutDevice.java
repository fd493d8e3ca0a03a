package io.github.vmdkdelta.vm;

/**
 * A device of the {@code .vmx} that a whole-VM snapshot leaves out, and why.
 *
 * @param device the device, as the {@code .vmx} spells it ({@code sata0:1}, {@code floppy0})
 * @param fileName its {@code .fileName} value, or empty when it has none
 * @param reason why it is left out
 */
public record LeftOutDevice(String device, String fileName, Reason reason) {
  /** Why a device is left out. */
  public enum Reason {
    /** {@code .present} is missing or FALSE: VMware does not attach it. */
    NOT_PRESENT,
    /** Its adapter's {@code .present} ({@code scsi0.present}) is FALSE. */
    ADAPTER_NOT_PRESENT,
    /** A CD-ROM drive: a {@code cdrom-*} or {@code atapi-cdrom} device type, or an .iso image. */
    CDROM,
    /** A floppy drive. */
    FLOPPY,
    /** A physical disk or a pass-through device ({@code rawDisk}, {@code scsi-passthru}). */
    RAW_OR_PASSTHROUGH,
    /**
     * No file: no or an empty {@code .fileName}, or {@code emptyBackingString}, {@code auto
     * detect}.
     */
    NO_FILE,
    /** A file that is not a {@code .vmdk}. */
    NOT_A_VMDK,
    /** Mode {@code independent-persistent}: VMware leaves it out of snapshots. */
    INDEPENDENT_PERSISTENT,
    /** Mode {@code independent-nonpersistent}: VMware leaves it out of snapshots. */
    INDEPENDENT_NONPERSISTENT
  }
}
