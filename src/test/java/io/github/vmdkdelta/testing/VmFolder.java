package io.github.vmdkdelta.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A VM folder as VMware Workstation lays it out: a {@code .vmx} (CRLF, its own spelling of keys)
 * with a monolithicSparse system disk, a twoGbMaxExtentSparse data disk, a monolithicFlat disk, an
 * independent disk and a CD-ROM image, the disks made by qemu-img with a pattern written in each.
 */
public final class VmFolder {
  /** The disks a snapshot of the VM covers, in device order. */
  public static final List<String> SNAPSHOT_DISKS = List.of("sys.vmdk", "data.vmdk", "flat.vmdk");

  /** The independent disk, which a snapshot leaves out. */
  public static final String INDEPENDENT = "scratch.vmdk";

  public static final String VMX = "Office PC.vmx";

  private VmFolder() {}

  /** Makes the VM in {@code folder} and returns its {@code .vmx}. */
  public static Path create(Path folder) throws IOException {
    // Flat files are copied by the fault-injection sweeps for every primitive: keep it small.
    return create(folder, "64M", "8M");
  }

  /** The VM with sparse disks of {@code sparseSize} and a flat disk of {@code flatSize}. */
  public static Path create(Path folder, String sparseSize, String flatSize) throws IOException {
    Files.createDirectories(folder);
    QemuDisks.write(QemuDisks.base(folder, "sys.vmdk", sparseSize), 0, 65536, 0x11);
    QemuDisks.write(
        QemuDisks.base(folder, "data.vmdk", sparseSize, "twoGbMaxExtentSparse"), 0, 65536, 0x22);
    QemuDisks.write(QemuDisks.base(folder, "flat.vmdk", flatSize, "monolithicFlat"), 0, 4096, 0x33);
    QemuDisks.write(QemuDisks.base(folder, INDEPENDENT, "16M"), 0, 4096, 0x44);
    Files.write(folder.resolve("installer.iso"), new byte[2048]);
    String vmx =
        String.join(
            "\r\n",
            ".encoding = \"UTF-8\"",
            "config.version = \"8\"",
            "virtualHW.version = \"19\"",
            "displayName = \"Office PC\"",
            "scsi0.present = \"TRUE\"",
            "scsi0.virtualDev = \"lsisas1068\"",
            "scsi0:0.present = \"TRUE\"",
            "scsi0:0.fileName = \"sys.vmdk\"",
            "scsi0:1.present = \"TRUE\"",
            "scsi0:1.fileName = \"data.vmdk\"",
            "scsi0:2.present = \"TRUE\"",
            "scsi0:2.fileName = \"" + INDEPENDENT + "\"",
            "scsi0:2.mode = \"independent-persistent\"",
            "sata0.present = \"TRUE\"",
            "sata0:0.present = \"TRUE\"",
            "sata0:0.fileName = \"flat.vmdk\"",
            "sata0:1.present = \"TRUE\"",
            "sata0:1.deviceType = \"cdrom-image\"",
            "sata0:1.fileName = \"installer.iso\"",
            "floppy0.present = \"FALSE\"",
            "");
    Path file = folder.resolve(VMX);
    Files.write(file, vmx.getBytes(StandardCharsets.UTF_8));
    return file;
  }
}
