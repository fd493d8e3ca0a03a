package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The names the operations give files, in one place. */
final class DiskNames {
  private DiskNames() {}

  /** {@code sd0.vmdk} with 0 ancestors becomes {@code sd0-000000.vmdk}: the seed's scheme. */
  static Path frozenName(Path disk, int ancestors) {
    String name = disk.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    return disk.resolveSibling(String.format("%s-%06d%s", stem, ancestors, ext));
  }

  /** Where {@code make} writes the new delta before it takes the disk's name. */
  static Path newDeltaName(Path disk) {
    return disk.resolveSibling("." + disk.getFileName() + ".vmdk-delta-new");
  }

  /** Where {@code delete} puts the delta aside until the parent has its name back. */
  static Path discardedDeltaName(Path disk) {
    return disk.resolveSibling("." + disk.getFileName() + ".vmdk-delta-old");
  }

  /** Where a replaced descriptor file waits for its removal after the commit point. */
  static Path replacedDescriptorName(Path descriptor) {
    return descriptor.resolveSibling("." + descriptor.getFileName() + ".vmdk-delta-replaced");
  }

  /** The stem of a disk's file name: {@code sd0} for {@code sd0.vmdk}. */
  static String stemOf(Path disk) {
    String name = disk.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Where {@code commit} keeps the bytes of the parent it overwrites, until it is done. */
  static Path undoLogName(Path disk) {
    return disk.resolveSibling("." + disk.getFileName() + ".vmdk-delta-undo");
  }

  /** Whether {@code name} is one of the hidden names above, which only vmdk-delta makes. */
  static boolean isTemporary(Path name) {
    String n = name.getFileName().toString();
    return n.startsWith(".") && n.contains(".vmdk-delta-");
  }

  /** Refuses when a name the operation needs is taken. */
  static void requireFree(Path name, String why) throws DiskInUseException {
    if (Files.exists(name, LinkOption.NOFOLLOW_LINKS)) {
      throw new DiskInUseException(name, "name", "already exists, " + why);
    }
  }

  /** The folder a disk is in, never null. */
  static Path folderOf(Path disk) {
    Path parent = disk.toAbsolutePath().getParent();
    return parent;
  }
}
