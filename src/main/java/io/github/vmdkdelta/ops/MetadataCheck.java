package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.LayerExtent;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Refuses a disk whose sparse extents {@code check} finds damaged, by the same scan ({@link
 * ExtentScan}): a grain in the metadata or past the end of the file, grains or tables sharing
 * sectors, directories or tables that disagree with their redundant copies. Warnings (a grain off a
 * grain boundary) pass.
 *
 * <p>{@code make} runs it on the disk it freezes, for two reasons: the extent line it rewrites in
 * place must not land on a grain (the data of the frozen disk would change), and a frozen disk is
 * never written again, so damage frozen under a delta stays there. It reads the grain directories
 * and tables only, never a grain.
 *
 * <p>One check remembers the extent files it found sound, by their state ({@link FileState}): an
 * operation plans twice, once before it takes the journal and again under its lock, and the second
 * planning scans again only a file that changed in between (the scan of a 2 TiB disk reads 256 MiB
 * of grain tables).
 */
final class MetadataCheck {
  private final Set<FileState> sound = new HashSet<>();

  /**
   * @throws CorruptImageException naming the first error found, in the extent file it is in
   */
  void requireSound(DiskLayer layer, String refusal) throws IOException {
    for (LayerExtent extent : layer.extents()) {
      if (extent.sparse().isEmpty() || extent.file().isEmpty()) {
        continue;
      }
      FileState before = FileState.of(extent.file().get());
      if (sound.contains(before)) {
        continue;
      }
      List<Problem> problems = new ArrayList<>();
      ExtentScan.check(extent.sparse().get(), problems);
      for (Problem p : problems) {
        if (p.isError()) {
          throw new CorruptImageException(
              p.file(),
              p.what(),
              p.message() + "; " + refusal + ": 'vmdk-delta check' lists every problem");
        }
      }
      // Remembered only if nothing changed the file while it was read.
      if (FileState.of(extent.file().get()).equals(before)) {
        sound.add(before);
      }
    }
  }

  /**
   * What changes when anything writes a file: its identity (inode), length, modification time and,
   * where the platform keeps one, its status-change time, which no program can set back (unlike the
   * modification time, which {@code touch -d} can). Links are followed: the state is the data's.
   */
  record FileState(Path path, Object key, long size, Object modified, Object changed) {
    static FileState of(Path file) throws IOException {
      Path path = file.toAbsolutePath();
      try {
        Map<String, Object> a =
            Files.readAttributes(path, "unix:ino,dev,size,lastModifiedTime,ctime");
        return new FileState(
            path,
            List.of(a.get("dev"), a.get("ino")),
            (Long) a.get("size"),
            a.get("lastModifiedTime"),
            a.get("ctime"));
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        var a = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        return new FileState(path, a.fileKey(), a.size(), a.lastModifiedTime(), null);
      }
    }

    // equals and hashCode written out, as a record's would be: the generated ones bootstrap
    // method handles at their first call, some 30 classes spun at every start of make.
    @Override
    public boolean equals(Object other) {
      return other instanceof FileState f
          && f.path.equals(path)
          && Objects.equals(f.key, key)
          && f.size == size
          && Objects.equals(f.modified, modified)
          && Objects.equals(f.changed, changed);
    }

    @Override
    public int hashCode() {
      return Objects.hash(path, key, size, modified, changed);
    }
  }
}
