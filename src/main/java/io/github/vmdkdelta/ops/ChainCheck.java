package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.ChainWalk;
import io.github.vmdkdelta.chain.CidMismatch;
import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.chain.LayerExtent;
import io.github.vmdkdelta.chain.VmwareLock;
import io.github.vmdkdelta.vmdk.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code check}: validates a disk, every disk of its chain, the links between them and their
 * folder, and lists every problem found. Nothing is changed, not even an interrupted operation's
 * journal (that is itself reported).
 *
 * <p>Per disk: the header, descriptor and directories as {@link DiskLayer#open} checks them (a disk
 * that fails there is one problem, with the parser's message); both grain directories and every
 * pair of grain tables agree; every grain lies after the metadata and inside the file; no two
 * grains, and no grain and a metadata structure, share sectors; the extent line names a file. Per
 * link: the parent exists and can be opened, the hint stays in the folder (unless allowed), no
 * cycle, capacities equal, {@code parentCID} equals the parent's {@code CID}. Per folder: no
 * journal or temporary file left by an interrupted vmdk-delta.
 */
public final class ChainCheck {
  private ChainCheck() {}

  /**
   * What {@link ChainCheck#run} found.
   *
   * @param disk the disk checked
   * @param layers the disks of the chain that could be opened, leaf first
   * @param problems everything found, errors and warnings, leaf first, folder problems last
   */
  public record Report(Path disk, List<Path> layers, List<Problem> problems) {
    public Report {
      layers = List.copyOf(layers);
      problems = List.copyOf(problems);
    }

    /** The problems that make the chain unsound. */
    public List<Problem> errors() {
      return problems.stream().filter(Problem::isError).toList();
    }

    /** The problems worth knowing that readers cope with. */
    public List<Problem> warnings() {
      return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** True when there is no error (warnings allowed). */
    public boolean clean() {
      return problems.stream().noneMatch(Problem::isError);
    }
  }

  /**
   * Checks {@code disk} and its chain.
   *
   * @param allowParentOutsideFolder follow (and check) parents whose hint leaves the folder
   * @throws NoSuchFileException when {@code disk} does not exist
   * @throws UnsupportedImageException when a disk of the chain is of a kind vmdk-delta does not
   *     read (split, flat, streamOptimized): it cannot be checked
   * @throws IOException when a file cannot be read
   */
  public static Report run(Path disk, boolean allowParentOutsideFolder) throws IOException {
    ChainWalk walk = ChainWalk.of(disk, allowParentOutsideFolder);
    if (walk.stoppedBy().orElse(null) instanceof UnsupportedImageException e) {
      throw e;
    }
    List<Problem> problems = new ArrayList<>();
    List<DiskLayer> layers = walk.layers();
    for (int i = 0; i < layers.size(); i++) {
      DiskLayer layer = layers.get(i);
      checkLayer(layer, problems);
      if (i + 1 < layers.size()) {
        checkLink(layer, layers.get(i + 1), problems);
      }
    }
    walk.stoppedBy().ifPresent(e -> problems.add(Problem.of(e, walk.stoppedAt().orElse(disk))));
    checkFolders(disk, walk, problems);
    return new Report(disk, layers.stream().map(DiskLayer::path).toList(), problems);
  }

  private static void checkLayer(DiskLayer layer, List<Problem> problems) throws IOException {
    Path path = layer.path();
    if (layer.uncleanShutdown()) {
      problems.add(
          Problem.warning(
              path,
              "header",
              "the uncleanShutdown flag is set: the disk was not closed cleanly (a crash while a"
                  + " VM or another program had it open?)"));
    }
    Optional<VmwareLock> lock = VmwareLock.find(path);
    if (lock.isPresent()) {
      problems.add(
          Problem.warning(
              path,
              "lock",
              "in use by VMware ("
                  + lock.get().describe()
                  + "); a running VM may change the disk while it is checked"));
    }
    if (layer.isMonolithic()) {
      String extentName = layer.extentFileName();
      if (extentName.isEmpty()) {
        problems.add(Problem.error(path, "descriptor", "the extent line names no file"));
      } else if (!extentName.equals(path.getFileName().toString())) {
        problems.add(
            Problem.warning(
                path,
                "descriptor",
                "the extent line names another file (\""
                    + extentName
                    + "\", expected \""
                    + path.getFileName()
                    + "\"): libvmdk-based tools (vmdkinfo, pyvmdk) read that file's data instead"
                    + " of this one's"));
      }
    }
    for (LayerExtent extent : layer.extents()) {
      if (extent.sparse().isPresent()) {
        ExtentScan.check(extent.sparse().get(), problems);
      }
    }
  }

  private static void checkLink(DiskLayer child, DiskLayer parent, List<Problem> problems) {
    ChainWalk.linkFault(child, parent).ifPresent(e -> problems.add(Problem.of(e, child.path())));
    CidMismatch.of(child, parent)
        .ifPresent(m -> problems.add(Problem.error(child.path(), "parentCID", m.message())));
  }

  /**
   * The journal and temporary files an interrupted vmdk-delta leaves: {@code .vmdk-delta-journal}
   * in a folder of the chain, and {@code .<name>.vmdk-delta-*} beside a disk of the chain.
   */
  private static void checkFolders(Path disk, ChainWalk walk, List<Problem> problems)
      throws IOException {
    Map<Path, Set<String>> namesByFolder = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    files.add(disk);
    walk.layers()
        .forEach(
            l -> {
              files.add(l.path());
              files.addAll(l.extentFiles());
            });
    walk.stoppedAt().ifPresent(files::add);
    for (Path f : files) {
      Path folder = f.toAbsolutePath().getParent();
      namesByFolder
          .computeIfAbsent(folder, k -> new LinkedHashSet<>())
          .add(f.getFileName().toString());
    }
    for (Map.Entry<Path, Set<String>> e : namesByFolder.entrySet()) {
      Path folder = e.getKey();
      Path anyDisk = folder.resolve(e.getValue().iterator().next());
      JournalStatus journal = JournalStatus.of(anyDisk);
      if (journal.running()) {
        // Not a problem of the disks: the folder is changing as they are read.
        problems.add(
            Problem.warning(
                shown(disk, folder, ".vmdk-delta-journal"),
                "journal",
                journal.describe()
                    + " (its temporary files are not listed); check again when it has finished"));
        continue;
      } else if (journal.state() == JournalStatus.State.INTERRUPTED) {
        problems.add(
            Problem.error(
                shown(disk, folder, ".vmdk-delta-journal"),
                "journal",
                "an interrupted vmdk-delta operation left its journal here;"
                    + " run 'vmdk-delta recover "
                    + shown(disk, folder, "")
                    + "' to finish or undo it"));
      }
      List<Path> leftovers = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, ".*.vmdk-delta-*")) {
        for (Path p : dir) {
          String n = p.getFileName().toString();
          for (String name : e.getValue()) {
            if (DiskNames.isHiddenNameOf(n, name)) {
              leftovers.add(p);
              break;
            }
          }
        }
      }
      leftovers.sort(null);
      for (Path p : leftovers) {
        problems.add(
            Problem.error(
                shown(disk, folder, p.getFileName().toString()),
                "temporary file",
                "left by an interrupted vmdk-delta operation; 'vmdk-delta recover "
                    + shown(disk, folder, "")
                    + "' removes it if the operation's journal is still there, otherwise no disk"
                    + " uses it and it can be deleted"));
      }
    }
  }

  /**
   * {@code name} in {@code folder}, written the way the user named the disk: relative when the disk
   * was given relative and the folder is its own.
   */
  private static Path shown(Path disk, Path folder, String name) {
    Path given = disk.getParent();
    boolean same = folder.equals(disk.toAbsolutePath().getParent());
    Path base = same ? (given != null ? given : Path.of(".")) : folder;
    return name.isEmpty() ? base : base.resolve(name);
  }
}
