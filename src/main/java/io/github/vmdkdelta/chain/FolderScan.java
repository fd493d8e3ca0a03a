package io.github.vmdkdelta.chain;

import io.github.vmdkdelta.vmdk.Descriptor;
import io.github.vmdkdelta.vmdk.DescriptorFile;
import io.github.vmdkdelta.vmdk.Limits;
import io.github.vmdkdelta.vmdk.SparseExtent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What else in a disk's folder depends on a file's name: other disks naming it as their parent, VM
 * configurations ({@code .vmx}) and Workstation snapshot lists ({@code .vmsd}) naming it.
 */
public final class FolderScan {
  /** Text descriptors and .vmx/.vmsd files are small; larger files are not read as text. */
  private static final int MAX_TEXT_BYTES = 1 << 20;

  private FolderScan() {}

  /**
   * The disks in {@code target}'s folder, other than {@code exclude}, whose parent hint resolves to
   * {@code target}. Files that cannot be read as a VMDK are passed over: no VMware product could
   * open them either.
   */
  public static List<Path> childrenOf(Path target, List<Path> exclude) throws IOException {
    List<Path> children = new ArrayList<>();
    for (Path file : files(target, ".vmdk")) {
      if (isAny(file, exclude) || Files.isSameFile(file, target)) {
        continue;
      }
      Optional<String> hint = parentHint(file);
      if (hint.isEmpty()) {
        continue;
      }
      try {
        Path parent = ParentHint.resolve(file, hint.get());
        if (Files.exists(parent) && Files.isSameFile(parent, target)) {
          children.add(file);
        }
      } catch (IOException e) {
        // An unsafe or unresolvable hint names no file here.
      }
    }
    return children;
  }

  /**
   * The files with the given extension ({@code .vmx} VM configurations, {@code .vmsd} Workstation
   * snapshot lists) in {@code target}'s folder that name it in a quoted value ({@code
   * scsi0:0.fileName = "sd0.vmdk"}).
   */
  public static List<Path> filesNaming(Path target, String extension) throws IOException {
    String name = target.getFileName().toString();
    List<Path> result = new ArrayList<>();
    for (Path file : files(target, extension)) {
      Optional<String> text = readSmallText(file);
      if (text.isPresent() && namesFile(text.get(), name)) {
        result.add(file);
      }
    }
    return result;
  }

  private static boolean namesFile(String text, String name) {
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace('\\', '/');
        String last = value.substring(value.lastIndexOf('/') + 1);
        if (last.equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Optional<String> parentHint(Path file) {
    try {
      Descriptor d;
      if (startsWithMagic(file)) {
        SparseExtent extent = SparseExtent.open(file);
        if (extent.descriptor().isEmpty()) {
          return Optional.empty();
        }
        d = extent.descriptor().get();
      } else if (DescriptorFile.looksLikeText(file)) {
        // A descriptor file qemu rewrote is padded with NULs: read it as DiskLayer does.
        d = DescriptorFile.read(file).descriptor();
      } else {
        return Optional.empty();
      }
      return d.parentFileNameHintRaw()
          .map(raw -> Descriptor.decodeName(raw, charsetOrUtf8(d, file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static java.nio.charset.Charset charsetOrUtf8(Descriptor d, Path file) {
    try {
      return d.fileNameCharset(file);
    } catch (IOException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static boolean startsWithMagic(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return new String(b, StandardCharsets.ISO_8859_1).equals("KDMV");
    }
  }

  /** The file as ISO-8859-1 text, if it is small and has no NUL in its first sector. */
  private static Optional<String> readSmallText(Path file) {
    try {
      if (Files.size(file) > MAX_TEXT_BYTES) {
        return Optional.empty();
      }
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i < Math.min(bytes.length, Limits.SECTOR_SIZE); i++) {
        if (bytes[i] == 0) {
          return Optional.empty();
        }
      }
      return Optional.of(new String(bytes, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<Path> files(Path target, String extension) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    List<Path> result = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder)) {
      for (Path p : dir) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(extension) && Files.isRegularFile(p)) {
          result.add(target.resolveSibling(p.getFileName()));
        }
      }
    }
    return result;
  }

  private static boolean isAny(Path file, List<Path> paths) throws IOException {
    for (Path p : paths) {
      if (Files.exists(p) && Files.isSameFile(file, p)) {
        return true;
      }
    }
    return false;
  }
}
