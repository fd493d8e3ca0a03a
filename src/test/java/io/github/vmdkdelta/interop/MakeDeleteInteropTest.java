package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.Seeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code make} and {@code delete} on disks made and written by qemu, checked by qemu-img and
 * libvmdk's vmdkinfo: the child and the renamed parent are valid, the chain links, the data is what
 * it was, writes go to the child only, and {@code delete} gives back the very same file.
 */
class MakeDeleteInteropTest {
  /** Where the embedded descriptor of a qemu-made file lies: sectors 1 to 20. */
  private static final int DESCRIPTOR_START = 512;

  private static final int DESCRIPTOR_END = 21 * 512;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1G", "1000K"})
  void makeThenDelete(String size, @TempDir Path tmp) throws IOException {
    SplittableRandom random =
        new SplittableRandom(Seeds.seed("MakeDeleteInteropTest.makeThenDelete[" + size + "]"));
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path keep = Files.createDirectory(tmp.resolve("keep"));
    Qemu qemu = new Qemu(dir);
    qemu.create("sd0.vmdk", size);
    long capacity = (Long) qemu.infoChain("sd0.vmdk").get(0).get("virtual-size");
    qemu.write("sd0.vmdk", Pattern.random(random, capacity, 8));
    Path before = keep.resolve("before.raw");
    qemu.convertToRaw("sd0.vmdk", before);
    long baseCid = Qemu.cid(qemu.infoChain("sd0.vmdk").get(0));
    byte[] original = Files.readAllBytes(dir.resolve("sd0.vmdk"));

    Cli.run("make", dir.resolve("sd0.vmdk"));

    assertThat(fileNames(dir)).containsExactly("sd0-000000.vmdk", "sd0.vmdk");
    qemu.assertCheckClean("sd0.vmdk");
    qemu.assertCheckClean("sd0-000000.vmdk");
    List<Map<String, Object>> chain = qemu.infoChain("sd0.vmdk");
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0))
        .containsEntry("filename", "sd0.vmdk")
        .containsEntry("backing-filename", "sd0-000000.vmdk")
        .containsEntry("virtual-size", capacity);
    assertThat(chain.get(1)).containsEntry("filename", "sd0-000000.vmdk");
    assertThat(Qemu.cid(chain.get(1))).as("parent's CID, untouched by make").isEqualTo(baseCid);
    assertThat(Qemu.parentCid(chain.get(0))).as("child's parentCID").isEqualTo(baseCid);
    assertThat(Qemu.cid(chain.get(0))).isNotEqualTo(baseCid);
    qemu.assertSameContent("sd0.vmdk", before);
    qemu.assertSameContent("sd0-000000.vmdk", before);
    assertOnlyDescriptorChanged(original, Files.readAllBytes(dir.resolve("sd0-000000.vmdk")));

    Vmdkinfo child = Vmdkinfo.of(dir, "sd0.vmdk");
    Vmdkinfo parent = Vmdkinfo.of(dir, "sd0-000000.vmdk");
    assertThat(child.all("Filename")).containsExactly("sd0.vmdk");
    assertThat(child.one("Parent filename")).isEqualTo("sd0-000000.vmdk");
    assertThat(parent.all("Filename")).containsExactly("sd0-000000.vmdk");
    assertThat(parent.one("Content identifier")).isEqualTo(String.format("0x%08x", baseCid));
    assertThat(child.one("Parent content identifier")).isEqualTo(parent.one("Content identifier"));

    String parentSha = Qemu.sha256(dir.resolve("sd0-000000.vmdk"));
    List<Pattern> childWrites = Pattern.random(random, capacity, 8);
    qemu.write("sd0.vmdk", childWrites);
    assertThat(Qemu.sha256(dir.resolve("sd0-000000.vmdk")))
        .as("parent after writes into the child")
        .isEqualTo(parentSha);
    Path after = keep.resolve("after.raw");
    qemu.copyRaw(before, after);
    for (Pattern p : childWrites) {
      p.applyTo(after);
    }
    qemu.assertCheckClean("sd0.vmdk");
    qemu.assertSameContent("sd0.vmdk", after);
    qemu.assertSameContent("sd0-000000.vmdk", before);

    Cli.run("delete", dir.resolve("sd0.vmdk"));

    assertThat(fileNames(dir)).containsExactly("sd0.vmdk");
    qemu.assertCheckClean("sd0.vmdk");
    qemu.assertSameContent("sd0.vmdk", before);
    // Byte for byte, stale bytes after the descriptor's NUL included (qemu leaves some when its
    // first write shortens the CID; the in-place rewrites carry them along).
    byte[] restored = Files.readAllBytes(dir.resolve("sd0.vmdk"));
    assertThat(Arrays.mismatch(restored, original))
        .as("first byte that differs after delete (-1: none), of %d", original.length)
        .isEqualTo(-1);
    assertThat(Vmdkinfo.of(dir, "sd0.vmdk").all("Filename")).containsExactly("sd0.vmdk");
  }

  @Test
  void threeMakesThenThreeDeletes(@TempDir Path tmp) throws IOException {
    SplittableRandom random =
        new SplittableRandom(Seeds.seed("MakeDeleteInteropTest.threeMakesThenThreeDeletes"));
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Path keep = Files.createDirectory(tmp.resolve("keep"));
    Qemu qemu = new Qemu(dir);
    Path disk = dir.resolve("sd0.vmdk");
    // 20000 KiB is 312.5 grains: the last grain is partial.
    qemu.create("sd0.vmdk", "20000K");
    long capacity = (Long) qemu.infoChain("sd0.vmdk").get(0).get("virtual-size");
    qemu.write("sd0.vmdk", Pattern.random(random, capacity, 6));
    List<Path> content = new ArrayList<>(); // content.get(i): the disk after i makes and writes
    content.add(keep.resolve("content0.raw"));
    qemu.convertToRaw("sd0.vmdk", content.get(0));
    List<String> shaBeforeMake = new ArrayList<>();
    List<String> frozenShas = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      shaBeforeMake.add(Qemu.sha256(disk));
      Cli.run("make", disk);
      String frozen = String.format("sd0-%06d.vmdk", i);
      assertThat(fileNames(dir)).hasSize(i + 2).contains("sd0.vmdk", frozen);
      qemu.assertCheckClean("sd0.vmdk");
      qemu.assertCheckClean(frozen);
      qemu.assertSameContent("sd0.vmdk", content.get(i));
      List<Map<String, Object>> chain = qemu.infoChain("sd0.vmdk");
      assertThat(chain).hasSize(i + 2);
      assertThat(chain.get(0)).containsEntry("backing-filename", frozen);
      for (int k = 0; k + 1 < chain.size(); k++) {
        assertThat(Qemu.parentCid(chain.get(k))).isEqualTo(Qemu.cid(chain.get(k + 1)));
        assertThat(chain.get(k + 1))
            .containsEntry("filename", String.format("sd0-%06d.vmdk", i - k));
      }
      Vmdkinfo info = Vmdkinfo.of(dir, frozen);
      assertThat(info.all("Filename")).containsExactly(frozen);
      if (i > 0) {
        assertThat(info.one("Parent filename")).isEqualTo(String.format("sd0-%06d.vmdk", i - 1));
      }
      assertThat(Vmdkinfo.of(dir, "sd0.vmdk").one("Parent filename")).isEqualTo(frozen);

      frozenShas.add(Qemu.sha256(dir.resolve(frozen)));
      List<Pattern> writes = Pattern.random(random, capacity, 6);
      qemu.write("sd0.vmdk", writes);
      Path next = keep.resolve("content" + (i + 1) + ".raw");
      qemu.copyRaw(content.get(i), next);
      for (Pattern p : writes) {
        p.applyTo(next);
      }
      content.add(next);
      qemu.assertCheckClean("sd0.vmdk");
      qemu.assertSameContent("sd0.vmdk", next);
      for (int k = 0; k <= i; k++) {
        assertThat(Qemu.sha256(dir.resolve(String.format("sd0-%06d.vmdk", k))))
            .as("frozen layer %d after writes into the leaf", k)
            .isEqualTo(frozenShas.get(k));
      }
    }

    for (int i = 2; i >= 0; i--) {
      Cli.run("delete", disk);
      assertThat(fileNames(dir)).hasSize(i + 1).contains("sd0.vmdk");
      qemu.assertCheckClean("sd0.vmdk");
      qemu.assertSameContent("sd0.vmdk", content.get(i));
      assertThat(Qemu.sha256(disk))
          .as("sd0.vmdk after delete %d", 3 - i)
          .isEqualTo(shaBeforeMake.get(i));
    }
    assertThat(fileNames(dir)).containsExactly("sd0.vmdk");
  }

  /**
   * qemu writes a new CID on the first write of each session, without leading zeros, over a text
   * that had them (qemu-img create writes {@code %08x}), and leaves the old text's last bytes after
   * the new NUL: one of 256 random CIDs has six digits or fewer. The test gives qemu's text such a
   * CID as qemu 7.2's vmdk_write_cid would (new text and NUL over the old, the rest as it was), so
   * the case is not left to chance.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sd0.vmdk", "日本語 ディスク.vmdk"})
  void deleteGivesBackTheStaleBytesQemuLeavesAfterTheDescriptor(String name, @TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vm"));
    Qemu qemu = new Qemu(dir);
    qemu.create(name, "1000K");
    Path disk = dir.resolve(name);
    QemuDisks.write(disk, 0, 65536, 0x41);
    shortenCidAsQemuDoes(disk, "c2fb2b");
    byte[] area = Arrays.copyOfRange(Files.readAllBytes(disk), DESCRIPTOR_START, DESCRIPTOR_END);
    int textEnd = textEnd(area, 0, area.length);
    assertThat(area[textEnd + 1]).as("the stale byte qemu leaves").isNotZero();
    FolderSnapshot before = FolderSnapshot.of(dir);

    Cli.run("make", disk);
    QemuDisks.write(disk, 65536, 65536, 0x42);
    String frozen = name.replace(".vmdk", "-000000.vmdk");
    qemu.assertCheckClean(frozen);
    Cli.run("delete", disk);

    before.assertUnchanged();
    qemu.assertCheckClean(name);
  }

  private static void shortenCidAsQemuDoes(Path disk, String cid) throws IOException {
    byte[] file = Files.readAllBytes(disk);
    int end = textEnd(file, DESCRIPTOR_START, DESCRIPTOR_END);
    String text =
        new String(file, DESCRIPTOR_START, end - DESCRIPTOR_START, StandardCharsets.ISO_8859_1);
    // qemu's own write left a CID of 8 digits or fewer (no leading zeros): make it 8 first, so
    // that the shorter one below always leaves stale bytes.
    String eight = text.replaceFirst("(?m)^CID=[0-9a-f]{1,8}$", "CID=a1b2c3d4");
    assertThat(eight).contains("\nCID=a1b2c3d4\n");
    String shorter = eight.replaceFirst("(?m)^CID=a1b2c3d4$", "CID=" + cid);
    assertThat(cid.length()).isLessThan(8);
    for (String t : new String[] {eight, shorter}) {
      byte[] written = (t + "\0").getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(written, 0, file, DESCRIPTOR_START, written.length);
    }
    Files.write(disk, file);
  }

  /** Same length, and every differing byte lies in the embedded descriptor. */
  static void assertOnlyDescriptorChanged(byte[] original, byte[] renamed) {
    assertThat(renamed).hasSameSizeAs(original);
    for (int i = 0; i < original.length; i++) {
      if (original[i] != renamed[i] && (i < DESCRIPTOR_START || i >= DESCRIPTOR_END)) {
        throw new AssertionError("renamed parent differs outside its descriptor at byte " + i);
      }
    }
  }

  static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int textEnd(byte[] file, int from, int to) {
    for (int i = from; i < to; i++) {
      if (file[i] == 0) {
        return i;
      }
    }
    return to;
  }
}
