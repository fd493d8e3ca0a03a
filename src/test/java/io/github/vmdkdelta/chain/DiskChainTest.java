package io.github.vmdkdelta.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.VmdkFixture;
import io.github.vmdkdelta.vmdk.BrokenChainException;
import io.github.vmdkdelta.vmdk.ContentId;
import io.github.vmdkdelta.vmdk.CorruptImageException;
import io.github.vmdkdelta.vmdk.Limits;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DiskChainTest {
  @TempDir Path dir;

  /** Layer i is named d{i}.vmdk with CID 0x1000+i; d0 is the base, d{n-1} the leaf. */
  private List<Path> writeChain(int n) throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      VmdkFixture f =
          i == 0
              ? VmdkFixture.base("d0.vmdk")
              : VmdkFixture.delta("d" + i + ".vmdk", "d" + (i - 1) + ".vmdk", 0x1000 + i - 1);
      paths.add(f.capacitySectors(64).grainSize(8).numGTEsPerGT(16).cid(0x1000 + i).writeTo(dir));
    }
    return paths;
  }

  @ParameterizedTest(name = "{0} layers")
  @ValueSource(ints = {1, 2, 3, 4})
  void resolvesLeafToBase(int n) throws Exception {
    List<Path> paths = writeChain(n);
    DiskChain chain = DiskChain.open(paths.get(n - 1));
    assertThat(chain.layers()).hasSize(n);
    assertThat(chain.ancestors()).isEqualTo(n - 1);
    assertThat(chain.leaf().path()).isEqualTo(paths.get(n - 1));
    for (int i = 0; i < n; i++) {
      DiskLayer layer = chain.layers().get(i);
      int level = n - 1 - i;
      assertThat(layer.path()).isEqualTo(paths.get(level));
      assertThat(layer.cid()).isEqualTo(new ContentId(0x1000 + level));
      assertThat(layer.capacity()).isEqualTo(64);
      assertThat(layer.isDelta()).isEqualTo(level > 0);
      assertThat(layer.extentFileName()).isEqualTo("d" + level + ".vmdk");
      if (level > 0) {
        assertThat(layer.parentHint()).contains("d" + (level - 1) + ".vmdk");
        assertThat(layer.parentCid()).contains(new ContentId(0x1000 + level - 1));
      } else {
        assertThat(layer.parentHint()).isEmpty();
        assertThat(layer.parentCid()).contains(ContentId.NO_PARENT);
      }
    }
    assertThat(chain.cidMismatch()).isEqualTo(-1);
  }

  @Test
  void opensFromTheMiddleOfAChain() throws Exception {
    List<Path> paths = writeChain(4);
    DiskChain chain = DiskChain.open(paths.get(2));
    assertThat(chain.layers())
        .extracting(DiskLayer::path)
        .containsExactly(paths.get(2), paths.get(1), paths.get(0));
  }

  @ParameterizedTest(name = "mismatch below layer {0} of 4 (leaf = 0)")
  @ValueSource(ints = {0, 1, 2})
  void cidMismatchReportsTheFirstBrokenLinkFromTheLeaf(int brokenChild) throws Exception {
    writeChain(4);
    int level = 3 - brokenChild; // file index of the child whose parentCID we break
    VmdkFixture.delta("d" + level + ".vmdk", "d" + (level - 1) + ".vmdk", 0xdead)
        .capacitySectors(64)
        .grainSize(8)
        .numGTEsPerGT(16)
        .cid(0x1000 + level)
        .writeTo(dir);
    DiskChain chain = DiskChain.open(dir.resolve("d3.vmdk"));
    assertThat(chain.layers()).hasSize(4);
    assertThat(chain.cidMismatch()).isEqualTo(brokenChild);
  }

  @Test
  void cidMismatchReportsTheLinkNearestTheLeafWhenSeveralAreBroken() throws Exception {
    writeChain(4);
    for (int level : new int[] {1, 2}) {
      VmdkFixture.delta("d" + level + ".vmdk", "d" + (level - 1) + ".vmdk", 0xdead)
          .capacitySectors(64)
          .grainSize(8)
          .numGTEsPerGT(16)
          .cid(0x1000 + level)
          .writeTo(dir);
    }
    assertThat(DiskChain.open(dir.resolve("d3.vmdk")).cidMismatch()).isEqualTo(1);
  }

  @Test
  void resolvesHintsInASubfolderRelativeToTheChild() throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    VmdkFixture.base("p.vmdk").cid(5).writeTo(dir.resolve("sub"));
    Path leaf = VmdkFixture.delta("c.vmdk", "sub/p.vmdk", 5).writeTo(dir);
    DiskChain chain = DiskChain.open(leaf);
    assertThat(chain.layers().get(1).path()).isEqualTo(dir.resolve("sub/p.vmdk"));
    assertThat(chain.cidMismatch()).isEqualTo(-1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Shift_JIS", "GBK", "UTF-8"})
  void hintsAreDecodedWithTheDeclaredEncoding(String charset) throws Exception {
    // In Shift_JIS "ソ" is 0x83 0x5c and in GBK "淺" is 0x9c 0x5c: decoded as ISO-8859-1 the second
    // byte would be a backslash, that is a folder separator for the resolver.
    String parentName = charset.equals("GBK") ? "淺数据盘.vmdk" : "ソフト親.vmdk";
    String childName = charset.equals("GBK") ? "子盘.vmdk" : "子ディスク.vmdk";
    VmdkFixture.base(parentName).cid(5).encoding(charset).writeTo(dir);
    Path leaf = VmdkFixture.delta(childName, parentName, 5).encoding(charset).writeTo(dir);
    DiskChain chain = DiskChain.open(leaf);
    assertThat(chain.layers()).hasSize(2);
    assertThat(chain.leaf().parentHint()).contains(parentName);
    assertThat(chain.layers().get(1).path()).isEqualTo(dir.resolve(parentName));
    assertThat(chain.leaf().extentFileName()).isEqualTo(childName);
    assertThat(chain.layers().get(1).extentFileName()).isEqualTo(parentName);
  }

  @ParameterizedTest(name = "{0} \"{1}\"")
  @CsvSource({
    "Shift_JIS, ソフト表～ ディスク.vmdk, 子ソ.vmdk",
    "GBK, 虚拟磁盘乗.vmdk, 子盘乗.vmdk",
    "windows-1252, 'O''Brien''s Café.vmdk', 'Zoë''s delta.vmdk'",
  })
  void aVmwareMadeParentIsFoundThroughAnEncodedHint(
      String encoding, String parentName, String childName) throws Exception {
    HostedDiskFixture.monolithicSparse(parentName).encoding(encoding).cid(5).writeTo(dir);
    Path leaf = VmdkFixture.delta(childName, parentName, 5).encoding(encoding).writeTo(dir);
    DiskChain chain = DiskChain.open(leaf);
    assertThat(chain.layers())
        .extracting(DiskLayer::path)
        .containsExactly(leaf, dir.resolve(parentName));
    assertThat(chain.layers().get(1).extentFileName()).isEqualTo(parentName);
    assertThat(chain.cidMismatch()).isEqualTo(-1);
  }

  @Test
  void missingLeaf() {
    assertThatThrownBy(() -> DiskChain.open(dir.resolve("none.vmdk")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void missingParent() throws Exception {
    Path leaf = VmdkFixture.delta("c.vmdk", "gone.vmdk", 1).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageStartingWith(leaf + ": parent: ")
        .hasMessageContaining("parent disk not found")
        .hasMessageContaining("gone.vmdk");
  }

  @Test
  void missingGrandparent() throws Exception {
    writeChain(3);
    Files.delete(dir.resolve("d0.vmdk"));
    assertThatThrownBy(() -> DiskChain.open(dir.resolve("d2.vmdk")))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageStartingWith(dir.resolve("d1.vmdk") + ": parent: ");
  }

  @Test
  void capacityMismatch() throws Exception {
    VmdkFixture.base("p.vmdk").cid(5).capacitySectors(4096).writeTo(dir);
    Path leaf = VmdkFixture.delta("c.vmdk", "p.vmdk", 5).capacitySectors(2048).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("capacity differs")
        .hasMessageContaining("2048")
        .hasMessageContaining("4096");
  }

  @Test
  void corruptParentIsReportedAsCorruptNamingTheParent() throws Exception {
    VmdkFixture.base("p.vmdk").cid(5).header(h -> h.numGTEsPerGT = 0).writeTo(dir);
    Path leaf = VmdkFixture.delta("c.vmdk", "p.vmdk", 5).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageStartingWith(dir.resolve("p.vmdk") + ": ");
  }

  @Test
  void selfCycle() throws Exception {
    Path leaf = VmdkFixture.delta("c.vmdk", "c.vmdk", 1).cid(1).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("loops back");
  }

  @Test
  void selfCycleThroughAnotherSpelling() throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    Path leaf = VmdkFixture.delta("c.vmdk", "sub/../c.vmdk", 1).cid(1).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("loops back");
  }

  @Test
  void twoCycle() throws Exception {
    VmdkFixture.delta("a.vmdk", "b.vmdk", 2).cid(1).writeTo(dir);
    VmdkFixture.delta("b.vmdk", "a.vmdk", 1).cid(2).writeTo(dir);
    assertThatThrownBy(() -> DiskChain.open(dir.resolve("a.vmdk")))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageStartingWith(dir.resolve("b.vmdk") + ": parent: ")
        .hasMessageContaining("loops back to " + dir.resolve("a.vmdk"));
  }

  @Test
  void cycleThroughAHardLinkIsFoundByIdentityNotName() throws Exception {
    // a.vmdk names b.vmdk, and b.vmdk is a second name of a.vmdk: no two names are equal, but
    // following the hint comes back to the same file.
    Path a = VmdkFixture.delta("a.vmdk", "b.vmdk", 1).cid(1).writeTo(dir);
    try {
      Files.createLink(dir.resolve("b.vmdk"), a);
    } catch (UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort("hard links not supported here: " + e);
    }
    assertThatThrownBy(() -> DiskChain.open(a))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("loops back to " + dir.resolve("b.vmdk"));
  }

  @Test
  void hardLinkedCopyOfAParentIsNotACycle() throws Exception {
    // Two names for one base, used by two different links, is only a cycle when a file repeats
    // in one chain; here the chain is c -> p only.
    VmdkFixture.base("p.vmdk").cid(5).writeTo(dir);
    Files.createLink(dir.resolve("p-link.vmdk"), dir.resolve("p.vmdk"));
    Path leaf = VmdkFixture.delta("c.vmdk", "p-link.vmdk", 5).writeTo(dir);
    assertThat(DiskChain.open(leaf).layers()).hasSize(2);
  }

  @Test
  void symlinkLoopIsACycle() throws Exception {
    Path a = VmdkFixture.delta("a.vmdk", "b.vmdk", 1).cid(1).writeTo(dir);
    try {
      Files.createSymbolicLink(dir.resolve("b.vmdk"), a.getFileName());
    } catch (UnsupportedOperationException | java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("symbolic links not supported here: " + e);
    }
    assertThatThrownBy(() -> DiskChain.open(a))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("loops back");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/x.vmdk", "C:\\x.vmdk", "../x.vmdk", "a/../../x.vmdk", ""})
  void unsafeHintsBreakTheChain(String hint) throws Exception {
    // Put a valid base where a careless resolver would find it, so only the check can refuse.
    Path outside = dir.resolve("x.vmdk");
    Path inner = Files.createDirectory(dir.resolve("inner"));
    VmdkFixture.base("x.vmdk").cid(5).writeTo(dir);
    Path leaf = VmdkFixture.delta("c.vmdk", hint, 5).writeTo(inner);
    assertThat(outside).exists();
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageStartingWith(leaf + ": parentFileNameHint: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p.vmdk", "sub/p.vmdk", "a/../p.vmdk"})
  void safeHintsAreFollowed(String hint) throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.createDirectories(dir.resolve("a"));
    Path parent = dir.resolve(hint).normalize();
    VmdkFixture.base(parent.getFileName().toString()).cid(5).writeTo(parent.getParent());
    Path leaf = VmdkFixture.delta("c.vmdk", hint, 5).writeTo(dir);
    DiskChain chain = DiskChain.open(leaf);
    assertThat(chain.layers().get(1).path().normalize()).isEqualTo(parent);
  }

  @Test
  void depthCapAcceptsExactlyTheLimit() throws Exception {
    List<Path> paths = writeChain(Limits.MAX_CHAIN_DEPTH);
    assertThat(DiskChain.open(paths.get(paths.size() - 1)).layers())
        .hasSize(Limits.MAX_CHAIN_DEPTH);
  }

  @Test
  void depthCapRefusesOneMore() throws Exception {
    List<Path> paths = writeChain(Limits.MAX_CHAIN_DEPTH + 1);
    Path leaf = paths.get(paths.size() - 1);
    assertThatThrownBy(() -> DiskChain.open(leaf))
        .isInstanceOf(BrokenChainException.class)
        .hasMessageContaining("deeper than " + Limits.MAX_CHAIN_DEPTH);
  }
}
