package io.github.vmdkdelta.cli;

import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.RawVmdk;
import io.github.vmdkdelta.testing.RefusalCheck;
import io.github.vmdkdelta.testing.RefusalCheck.Setup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code make} refuses to freeze a disk whose metadata {@code check} rejects (issue 13, section 3):
 * exit 3, one line naming the problem, every file as it was. Each disk is made by qemu-img (64 MiB,
 * two grain tables, grain 1 written) and broken by {@link RawVmdk} in one place. Before the fix
 * {@code make} accepted all of them, and where a grain lay in the descriptor sectors its rewrite of
 * the extent line changed the frozen disk's data.
 */
class MakeMetadataRefusalTest {
  @TempDir Path root;

  static Stream<Arguments> refusals() {
    return Stream.of(
        row(
            "a grain inside the descriptor sectors",
            f -> disk(f).setBothGtes(0, 1),
            "sd0.vmdk: grain table: grain 0 points into the metadata (sector 1, grains start at"),
        row(
            "a grain inside the grain directory",
            f -> {
              RawVmdk raw = disk(f);
              raw.setBothGtes(0, raw.gdOffset());
            },
            "sd0.vmdk: grain table: grain 0 points into the metadata"),
        row(
            "a grain inside a grain table",
            f -> {
              RawVmdk raw = disk(f);
              raw.setBothGtes(0, raw.gdEntry(1));
            },
            "sd0.vmdk: grain table: grain 0 points into the metadata"),
        row(
            "two directory entries sharing one table",
            f -> {
              RawVmdk raw = disk(f);
              raw.setGdEntry(1, raw.gdEntry(0));
              raw.setRgdEntry(1, raw.rgdEntry(0));
            },
            "sd0.vmdk: layout: redundant grain table 0 and redundant grain table 1 overlap"),
        row(
            "two table entries sharing one grain",
            f -> {
              RawVmdk raw = disk(f);
              raw.setBothGtes(16, raw.gte(1));
            },
            "sd0.vmdk: grain table: grains 1 and 16 point at the same grain (sector 128)"),
        row(
            "a grain past the end of the file",
            f -> {
              RawVmdk raw = disk(f);
              raw.setBothGtes(16, raw.fileSectors());
            },
            "sd0.vmdk: grain table: grain 16 lies past the end of the file"),
        row(
            "numGTEsPerGT = 1",
            f -> disk(f).setGtesPerGt(1),
            "sd0.vmdk: layout: grain table 129 and redundant grain table 129 overlap"),
        row(
            "rgdOffset = gdOffset",
            f -> {
              RawVmdk raw = disk(f);
              raw.setRgdOffset(raw.gdOffset());
            },
            "sd0.vmdk: layout: the grain directory and the redundant grain directory overlap"),
        row(
            "a grain table and its redundant copy disagree",
            f -> disk(f).setRedundantGte(1, 0),
            "sd0.vmdk: redundant grain table: grain table 0 and its redundant copy differ in 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAndChangesNothing(String name, Setup setup, String fragment) throws IOException {
    RefusalCheck.assertRefusedAndUnchanged(root, setup, "make", 3, fragment);
  }

  /** The sparse extents of a split disk are checked as a monolithic file is. */
  @Test
  void refusesASplitDiskWithTwoGrainsSharingOnePlace() throws IOException {
    RefusalCheck.assertRefusedAndUnchangedFromScratch(
        root,
        f -> {
          QemuDisks.base(f, "sd0.vmdk", "8M", "twoGbMaxExtentSparse");
          QemuDisks.write(f.resolve("sd0.vmdk"), 65536, 4096, 0x5a);
          RawVmdk raw = RawVmdk.of(f.resolve("sd0-s001.vmdk"));
          raw.setBothGtes(16, raw.gte(1));
        },
        "make",
        3,
        "sd0-s001.vmdk: grain table: grains 1 and 16 point at the same grain",
        "make does not freeze a damaged disk");
  }

  private static RawVmdk disk(Path folder) {
    return RawVmdk.of(folder.resolve("sd0.vmdk"));
  }

  private static Arguments row(String name, Setup setup, String fragment) {
    return Arguments.of(name, setup, fragment);
  }
}
