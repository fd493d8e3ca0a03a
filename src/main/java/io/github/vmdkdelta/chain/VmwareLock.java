package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.DiskInUseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VMware's hosted lock: a folder (or, from older products, a plain file) named {@code <file>.lck}
 * beside a disk or {@code .vmx} that a running VM holds. Inside the folder, each holder has a
 * member {@code M#####.lck} of 512 bytes of text, {@code machineID executionID lamportNumber S|X
 * ...} (open-vm-tools {@code lib/file/fileLockPrimitive.c}).
 *
 * @param lockPath the {@code .lck} folder or file
 * @param holders "machine M, process P" for each member that could be read
 */
public record VmwareLock(Path lockPath, List<String> holders) {
  /** Bytes read of a lock member: VMware writes 512. */
  private static final int MEMBER_BYTES = 512;

  /** Members read at most: a real lock has one per holder. */
  private static final int MAX_MEMBERS = 16;

  /** The lock path of a file: {@code <file>.lck}. */
  public static Path lockPathOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".lck");
  }

  /** The lock on {@code file}, if there is one. */
  public static Optional<VmwareLock> find(Path file) throws IOException {
    Path lock = lockPathOf(file);
    if (!Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    List<String> holders = new ArrayList<>();
    if (Files.isDirectory(lock, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> members = Files.newDirectoryStream(lock, "*.lck")) {
        for (Path member : members) {
          if (holders.size() == MAX_MEMBERS) {
            break;
          }
          describeMember(member).ifPresent(holders::add);
        }
      }
    }
    return Optional.of(new VmwareLock(lock, List.copyOf(holders)));
  }

  private static Optional<String> describeMember(Path member) {
    try (InputStream in = Files.newInputStream(member)) {
      String text = new String(in.readNBytes(MEMBER_BYTES), StandardCharsets.ISO_8859_1);
      String[] f = text.replace('\0', ' ').strip().split("\\s+");
      if (f.length >= 2) {
        return Optional.of("machine " + f[0] + ", process " + f[1]);
      }
    } catch (IOException e) {
      // An unreadable member still counts as a lock; it just names no holder.
    }
    return Optional.empty();
  }

  /** Who holds the lock, for messages. */
  public String describe() {
    return lockPath.getFileName()
        + (holders.isEmpty() ? "" : ", held by " + String.join("; ", holders));
  }

  /**
   * Refuses when {@code file} carries a VMware lock.
   *
   * @throws DiskInUseException when {@code <file>.lck} exists
   */
  public static void requireUnlocked(Path file) throws IOException {
    Optional<VmwareLock> lock = find(file);
    if (lock.isPresent()) {
      throw new DiskInUseException(
          file,
          "lock",
          "in use by VMware ("
              + lock.get().describe()
              + "); power off the VM first, or if no VM is running (stale lock after a crash)"
              + " run again with --force");
    }
  }
}
