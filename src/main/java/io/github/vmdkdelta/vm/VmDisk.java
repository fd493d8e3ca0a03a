package io.github.vmdkdelta.vm;

import java.nio.file.Path;

/**
 * A disk a whole-VM snapshot covers.
 *
 * @param device the device, as the {@code .vmx} spells it ({@code scsi0:1}, {@code nvme0:0})
 * @param fileName its {@code .fileName} value, as written
 * @param path the file, absolute; {@code null} when {@link Location#WINDOWS_PATH}
 * @param location where the file lies, seen from the {@code .vmx}'s folder
 */
public record VmDisk(String device, String fileName, Path path, Location location) {
  /** Where a disk's file lies. */
  public enum Location {
    /** In the {@code .vmx}'s folder (a plain name, or a path that leads back to it). */
    IN_FOLDER,
    /**
     * In another folder (absolute, a subfolder, or through {@code ..}): {@link #path} says where.
     */
    OUTSIDE_FOLDER,
    /**
     * A Windows path ({@code D:\VMs\x.vmdk}, {@code \\server\share\x.vmdk}, {@code sub\x.vmdk})
     * read on a system whose paths are not Windows paths: it cannot be resolved here.
     */
    WINDOWS_PATH
  }
}
