package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vm.VmDisk;
import io.github.vmdkdelta.vm.VmDisks;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The disks of a VM an operation acts on: all of them, or those the user named. */
final class VmSelection {
  private VmSelection() {}

  /**
   * The disks to act on, in the VM's device order.
   *
   * @param only disks the user named (relative to the working folder, as typed); empty for all
   * @throws UnsupportedImageException (exit 4) when a selected disk lies outside the VM's folder
   * @throws IllegalArgumentException when a named disk is none of the VM's disks
   */
  static List<Path> of(VmDisks vm, List<Path> only) throws IOException {
    Set<Path> named = new HashSet<>();
    for (Path name : only) {
      named.add(find(vm, name).path());
    }
    // In the VM's order, whatever the order on the command line.
    List<Path> paths = new ArrayList<>();
    for (VmDisk disk : vm.disks()) {
      if (only.isEmpty() || named.contains(disk.path())) {
        requireInFolder(vm.vmx(), disk);
        paths.add(disk.path());
      }
    }
    return paths;
  }

  private static VmDisk find(VmDisks vm, Path named) throws IOException {
    for (VmDisk disk : vm.disks()) {
      if (disk.path() != null && Files.exists(named) && Files.isSameFile(disk.path(), named)) {
        return disk;
      }
    }
    StringBuilder names = new StringBuilder();
    for (VmDisk disk : vm.disks()) {
      names.append(names.length() == 0 ? "" : ", ").append(disk.fileName());
    }
    throw new IllegalArgumentException(
        named
            + " is not one of the disks of "
            + vm.vmx().getFileName()
            + " that a snapshot covers ("
            + names
            + ")");
  }

  private static void requireInFolder(Path vmx, VmDisk disk) throws UnsupportedImageException {
    switch (disk.location()) {
      case IN_FOLDER -> {}
      case OUTSIDE_FOLDER ->
          throw new UnsupportedImageException(
              vmx,
              disk.device(),
              disk.fileName()
                  + " is outside the VM's folder: one transaction over the VM keeps its journal"
                  + " in that folder, where recovery in the disk's folder would not find it;"
                  + " snapshot that disk on its own, and the others by name");
      case WINDOWS_PATH ->
          throw new UnsupportedImageException(
              vmx,
              disk.device(),
              disk.fileName() + " is a Windows path, which cannot be resolved on this system");
    }
  }
}
