package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.chain.ChainReader;
import io.github.vmdkdelta.chain.ChainWriter;
import io.github.vmdkdelta.chain.DiskChain;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The library's writer ({@link ChainWriter}) against qemu-io: the same seeded random writes,
 * through our writer into one copy of a chain and through qemu-io into another, give the same
 * virtual disk (qemu-img compare, and against a raw model), the same file outside the descriptor, a
 * clean qemu-img check, a file libvmdk reads, parents untouched, and a new CID in the leaf.
 */
class ChainWriterInteropTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "base alone, 20000K",
    "qemu delta, 20000K",
    "qemu delta with zeroed grains, 8M",
    "three layers by make, 40000K"
  })
  void writesLikeQemuIo(String chain, String size, @TempDir Path tmp) throws IOException {
    long seed = Seeds.seed("ChainWriterInteropTest.writesLikeQemuIo[" + chain + "]");
    SplittableRandom random = new SplittableRandom(seed);
    Path ours = Files.createDirectory(tmp.resolve("ours"));
    Qemu qemu = new Qemu(ours);
    qemu.create("base.vmdk", size);
    long capacity = (Long) qemu.infoChain("base.vmdk").get(0).get("virtual-size");
    qemu.write("base.vmdk", Pattern.random(random, capacity, 8));
    String leaf = "base.vmdk";
    switch (chain) {
      case "qemu delta" -> {
        leaf = "top.vmdk";
        qemu.createDelta(leaf, "base.vmdk");
        qemu.write(leaf, Pattern.random(random, capacity, 8));
      }
      case "qemu delta with zeroed grains" -> {
        leaf = "top.vmdk";
        qemu.createDelta(leaf, "base.vmdk", "-o", "zeroed_grain=on");
        qemu.write(
            leaf,
            List.of(
                new Pattern(0, 0, 4 * Pattern.GRAIN),
                new Pattern(0, 40L * Pattern.GRAIN, 2 * Pattern.GRAIN)));
      }
      case "three layers by make" -> {
        for (int i = 0; i < 2; i++) {
          Cli.run("make", ours.resolve("base.vmdk"));
          qemu.write("base.vmdk", Pattern.random(random, capacity, 8));
        }
      }
      default -> {}
    }
    List<Pattern> writes = new ArrayList<>(Pattern.random(random, capacity, 16));
    writes.add(new Pattern(0x5e, 100, 200)); // inside grain 0: zeroed in one of the chains
    writes.add(new Pattern(0, 41L * Pattern.GRAIN - 300, 600)); // zeros across two grains
    Path theirs = copy(ours, tmp.resolve("theirs"));
    Path model = tmp.resolve("model.raw");
    qemu.convertToRaw(leaf, model);
    for (Pattern p : writes) {
      p.applyTo(model);
    }
    Map<String, String> parentsBefore = shasExcept(ours, leaf);
    long cidBefore = Qemu.cid(qemu.infoChain(leaf).get(0));

    new Qemu(theirs).write(leaf, writes);
    try (ChainWriter writer =
        ChainWriter.open(DiskChain.open(ours.resolve(leaf)), new SplittableRandom(seed))) {
      for (Pattern p : writes) {
        byte[] bytes = new byte[p.length()];
        Arrays.fill(bytes, (byte) p.value());
        writer.write(p.offset(), bytes, 0, bytes.length);
      }
    }

    String what = chain + ", seed " + seed;
    qemu.assertCheckClean(leaf);
    qemu.assertSameContent(leaf, model);
    ExternalTools.run(
            tmp,
            ExternalTools.require(ExternalTools.QEMU_IMG),
            "compare",
            ours.resolve(leaf),
            theirs.resolve(leaf))
        .expectSuccess();
    assertThat(shasExcept(ours, leaf)).as("parents, " + what).isEqualTo(parentsBefore);
    List<Map<String, Object>> info = qemu.infoChain(leaf);
    assertThat(Qemu.cid(info.get(0))).as("the leaf's CID changed").isNotEqualTo(cidBefore);
    assertThat(Vmdkinfo.of(ours, leaf).all("Filename")).containsExactly(leaf);
    byte[] expected = Files.readAllBytes(model);
    try (ChainReader reader = ChainReader.open(DiskChain.open(ours.resolve(leaf)))) {
      byte[] all = new byte[expected.length];
      reader.read(0, all, 0, all.length);
      assertThat(Arrays.mismatch(all, expected)).as("first differing byte, " + what).isEqualTo(-1);
    }
    // Grains are allocated where qemu allocates them and filled the same way: outside the
    // descriptor (whose CID both changed), the two files are the same bytes.
    MakeDeleteInteropTest.assertOnlyDescriptorChanged(
        Files.readAllBytes(theirs.resolve(leaf)), Files.readAllBytes(ours.resolve(leaf)));
    System.out.printf(
        "ChainWriterInteropTest %s: ours %d bytes, qemu-io's %d bytes%n",
        chain, Files.size(ours.resolve(leaf)), Files.size(theirs.resolve(leaf)));
  }

  private static Map<String, String> shasExcept(Path dir, String leaf) throws IOException {
    Map<String, String> shas = new java.util.TreeMap<>();
    for (String name : MakeDeleteInteropTest.fileNames(dir)) {
      if (!name.equals(leaf)) {
        shas.put(name, Qemu.sha256(dir.resolve(name)));
      }
    }
    return shas;
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }
}
