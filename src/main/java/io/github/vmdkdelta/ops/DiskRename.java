package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.chain.DiskLayer;
import io.github.vmdkdelta.vmdk.Descriptor;
import io.github.vmdkdelta.vmdk.Extent;
import io.github.vmdkdelta.vmdk.SparseFileImage;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The steps that give a disk a new name in its folder, inside a transaction.
 *
 * <p>A monolithic file is renamed and the extent line of its embedded descriptor rewritten in
 * place. A descriptor-file disk (split or flat) gets its extent files renamed to the new stem as
 * well ({@code sd0-s001.vmdk} becomes {@code sd0-000000-s001.vmdk}), so a later disk named {@code
 * sd0} cannot collide with them; its new descriptor is written in full under a hidden name and
 * renamed to the new name before anything else is renamed, and the old descriptor file is removed
 * only after the commit point. Extent files whose names do not start with the disk's stem keep
 * their names. The mapping is exact both ways, so renaming back restores every file byte for byte.
 *
 * @param steps the steps, to run in order
 * @param cleanup what to remove after the commit point
 * @param newNames every name the steps create, to check that it is free
 * @param renamedFiles every existing file the steps rename or rewrite
 */
record DiskRename(
    List<FileStep> steps, List<FileStep> cleanup, List<Path> newNames, List<Path> renamedFiles) {

  /** Plans renaming {@code layer} to {@code to}, in the same folder. */
  static DiskRename of(DiskLayer layer, Path to) throws IOException {
    return of(layer, to, layer.descriptor(), "extent file name");
  }

  /**
   * Plans renaming {@code layer} to {@code to} with {@code content} as its descriptor, extent file
   * names apart: for a disk whose data changed ({@code commit} gives it a new CID).
   */
  static DiskRename withDescriptor(DiskLayer layer, Path to, Descriptor content)
      throws IOException {
    return of(layer, to, content, "CID and extent file name");
  }

  private static DiskRename of(DiskLayer layer, Path to, Descriptor d, String what)
      throws IOException {
    Path from = layer.path();
    Charset charset = d.fileNameCharset(from);
    if (layer.isMonolithic()) {
      // The line follows the file only when it named the file: one naming another file (a disk
      // renamed by its user) is kept as found, so that renaming back restores every byte.
      Descriptor renamed =
          extentLineNames(layer, from)
              ? d.withExtentFileName(
                  0, Descriptor.encodeName(to.getFileName().toString(), charset, from))
              : d;
      List<FileStep> steps = new ArrayList<>(List.of(new FileStep.Rename(from, to)));
      if (!Arrays.equals(renamed.encode(), layer.descriptor().encode())) {
        steps.add(new FileStep.Rewrite(to, layer.extent().descriptorRewrite(renamed), what));
      }
      return new DiskRename(steps, List.of(), List.of(to), List.of(from));
    }
    String oldStem = DiskNames.stemOf(from);
    String newStem = DiskNames.stemOf(to);
    List<FileStep> extentRenames = new ArrayList<>();
    List<Path> newNames = new ArrayList<>(List.of(to));
    List<Path> renamed = new ArrayList<>(List.of(from));
    Descriptor updated = d;
    List<Extent> lines = d.extents(from);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).type().equals("ZERO")) {
        continue;
      }
      String name = Descriptor.decodeName(lines.get(i).rawFileName(), charset);
      if (!name.startsWith(oldStem + "-")) {
        continue;
      }
      String newName = newStem + name.substring(oldStem.length());
      Path file = from.resolveSibling(name);
      Path target = from.resolveSibling(newName);
      updated = updated.withExtentFileName(i, Descriptor.encodeName(newName, charset, from));
      extentRenames.add(new FileStep.Rename(file, target));
      newNames.add(target);
      renamed.add(file);
    }
    byte[] text = layer.descriptorFile().orElseThrow().bytesWith(updated);
    Path replaced = DiskNames.replacedDescriptorName(from);
    newNames.add(replaced);
    // Written under a hidden name first: recovery deletes a torn creation without ever taking a
    // file under a name the user sees for one.
    Path staged = DiskNames.newDeltaName(to);
    newNames.add(staged);
    List<FileStep> steps = new ArrayList<>();
    steps.add(
        new FileStep.CreateFile(
            staged,
            new SparseFileImage(text.length, List.of(new SparseFileImage.Region(0, text)))));
    steps.add(new FileStep.Rename(staged, to));
    steps.addAll(extentRenames);
    steps.add(new FileStep.Rename(from, replaced));
    return new DiskRename(steps, List.of(new FileStep.Delete(replaced)), newNames, renamed);
  }

  /** True when the extent line of monolithic {@code layer} names {@code file}'s name exactly. */
  static boolean extentLineNames(DiskLayer layer, Path file) throws IOException {
    Descriptor d = layer.descriptor();
    String raw = d.extents(layer.path()).get(0).rawFileName();
    return Descriptor.decodeName(raw, d.fileNameCharset(layer.path()))
        .equals(file.getFileName().toString());
  }

  /**
   * Plans setting every file of {@code layer} aside under a hidden name, to be deleted after the
   * commit point: how a delta is thrown away so that a failure can still bring it back.
   */
  static DiskRename setAside(DiskLayer layer) {
    List<Path> files = new ArrayList<>(List.of(layer.path()));
    files.addAll(layer.extentFiles());
    List<FileStep> steps = new ArrayList<>();
    List<FileStep> cleanup = new ArrayList<>();
    List<Path> newNames = new ArrayList<>();
    for (Path file : files) {
      Path aside = DiskNames.discardedDeltaName(file);
      steps.add(new FileStep.Rename(file, aside));
      cleanup.add(new FileStep.Delete(aside));
      newNames.add(aside);
    }
    return new DiskRename(steps, cleanup, newNames, files);
  }

  /** Whether the steps rewrite bytes of an existing file in place (a monolithic extent line). */
  boolean rewritesInPlace() {
    return steps.stream().anyMatch(s -> s instanceof FileStep.Rewrite);
  }

  /** Refuses when a name the rename needs is taken. */
  void requireFree(String why) throws IOException {
    for (Path name : newNames) {
      DiskNames.requireFree(name, why);
    }
  }

  /** Refuses symbolic links among the files renamed. */
  void requireNoSymbolicLinks(SafetyChecks safety) throws IOException {
    for (Path file : renamedFiles) {
      safety.requireNotSymbolicLink(file);
    }
  }
}
