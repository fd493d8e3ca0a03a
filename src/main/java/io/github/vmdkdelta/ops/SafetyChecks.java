package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.FolderScan;
import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks an operation makes on its folder before changing anything: locks, other disks and
 * files that depend on a name, room to write. Overrides the user allowed become warnings.
 */
final class SafetyChecks {
  /** Kept free beyond what an operation writes: journal, folder entries, file system slack. */
  static final long SPACE_MARGIN_BYTES = 1 << 20;

  private final Options options;
  private final List<Warning> warnings = new ArrayList<>();

  SafetyChecks(Options options) {
    this.options = options;
  }

  /** What the checks went ahead despite: locks the options allowed to ignore, and others noted. */
  List<Warning> warnings() {
    return List.copyOf(warnings);
  }

  /** Notes a warning of a check made elsewhere. */
  void warn(Warning warning) {
    warnings.add(warning);
  }

  /** Refuses when {@code file} carries a VMware lock, unless {@link Options#force}. */
  void requireUnlocked(Path file) throws IOException {
    Optional<VmwareLock> lock = VmwareLock.find(file);
    if (lock.isEmpty()) {
      return;
    }
    if (!options.force()) {
      VmwareLock.requireUnlocked(file);
    }
    warnings.add(new Warning.LockIgnored(file, lock.get()));
  }

  /**
   * Refuses a disk whose {@code uncleanShutdown} flag is set: a VM may still be using it, or
   * crashed with it open, and its last writes may be incomplete.
   */
  static void requireClosedCleanly(DiskLayer layer) throws DiskInUseException {
    if (layer.uncleanShutdown()) {
      throw new DiskInUseException(
          layer.path(),
          "header",
          "disk was not closed cleanly (uncleanShutdown is set): if a VM is using it, power it"
              + " off; otherwise boot the VM once and shut it down cleanly");
    }
  }

  /**
   * Refuses a file the operation renames or rewrites when it is a symbolic link: renaming moves the
   * link, rewriting changes its target, which may be anywhere.
   */
  void requireNotSymbolicLink(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new io.github.vmdkdelta.vmdk.UnsupportedImageException(
          file,
          "name",
          "is a symbolic link; run the command on the disk file itself ("
              + file.toRealPath()
              + ")");
    }
  }

  /** Refuses when a VM configuration in the folder names {@code disk} and is locked (VM on). */
  void requireVmOff(Path disk) throws IOException {
    for (Path vmx : FolderScan.filesNaming(disk, ".vmx")) {
      requireUnlocked(vmx);
    }
  }

  /** Refuses when the folder cannot take the writes: read-only, or not enough free space. */
  void requireRoom(Path folder, long bytes) throws IOException {
    if (!Files.isWritable(folder)) {
      throw new AccessDeniedException(folder.toString(), null, "folder is not writable");
    }
    long free = Files.getFileStore(folder).getUsableSpace();
    long needed = bytes + SPACE_MARGIN_BYTES;
    if (free < needed) {
      throw new FileSystemException(
          folder.toString(),
          null,
          "not enough free space (" + free + " bytes free, " + needed + " needed)");
    }
  }
}
