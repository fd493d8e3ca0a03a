package io.github.vmdkdelta.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Descriptors as tools other than VMware and qemu write them: VirtualBox accepts four spellings of
 * the first line (VBox/Storage/VMDK.cpp, vmdkPreprocessDescriptor), qemu does not look at it
 * (block/vmdk.c reads only its entries and extent lines), and raw-disk wrapper tools write {@code #
 * Disk Descriptor File} with their own section titles. Section titles are comments to every reader.
 */
class OtherToolsDescriptorTest {
  private static final Path FILE = Path.of("x.vmdk");

  /** What raw-disk wrapper tools write beside a raw image. */
  private static final String RAW_DISK_WRAPPER =
      """
      # Disk Descriptor File
      version=1
      CID=fffffffe
      parentCID=ffffffff
      createType="monolithicFlat"

      # Extent Description
      RW 131072 FLAT "x-flat.vmdk" 0

      # Disk Data Base
      ddb.virtualHWVersion = "4"
      ddb.adapterType = "ide"
      """;

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "# Disk DescriptorFile",
        "# Disk Descriptor File",
        "#Disk Descriptor File",
        "#Disk DescriptorFile",
        "# disk descriptorfile"
      })
  void everySpellingOfTheFirstLineIsADescriptor(String firstLine) throws Exception {
    String text = RAW_DISK_WRAPPER.replace("# Disk Descriptor File", firstLine);
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);

    Descriptor d = Descriptor.parse(bytes, FILE);

    assertThat(d.encode()).isEqualTo(bytes);
    assertThat(d.cid(FILE)).isEqualTo(new ContentId(0xfffffffe));
    assertThat(d.createType()).isEqualTo("monolithicFlat");
    assertThat(d.extents(FILE)).hasSize(1);
    assertThat(d.extents(FILE).get(0).rawFileName()).isEqualTo("x-flat.vmdk");
    assertThat(d.ddbLines()).hasSize(2);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "# Extent description",
        "# Extent Description",
        "#Extent description",
        "# Disk Data Base",
        "# The Disk Data Base",
        "# The Disk Data Base ",
        "# The disk Data Base ",
        "#DDB"
      })
  void sectionTitlesAreCommentsKeptAsFound(String title) throws Exception {
    String text =
        "#Disk DescriptorFile\r\nversion=1\r\nCID=fffffffe\r\ncreateType=\"monolithicFlat\"\r\n"
            + title
            + "\r\nRW 131072 FLAT \"x-flat.vmdk\" 0\r\n"
            + title
            + "\r\nddb.adapterType = \"ide\"\r\n";
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);

    Descriptor d = Descriptor.parse(bytes, FILE);
    Descriptor edited = d.withExtentFileName(0, "x-000000-flat.vmdk").with("CID", "0a0b0c0d");

    assertThat(d.encode()).isEqualTo(bytes);
    assertThat(new String(edited.encode(), StandardCharsets.ISO_8859_1))
        .isEqualTo(
            text.replace("\"x-flat.vmdk\"", "\"x-000000-flat.vmdk\"")
                .replace("CID=fffffffe", "CID=0a0b0c0d"));
  }

  @Test
  void aDeltaOfSuchADiskIsWrittenInTheCanonicalSpelling() throws Exception {
    Descriptor parent =
        Descriptor.parse(RAW_DISK_WRAPPER.getBytes(StandardCharsets.ISO_8859_1), FILE);

    byte[] child =
        DeltaDescriptor.forParent(
            parent,
            FILE,
            "x-000000.vmdk",
            "x.vmdk",
            131072,
            new ContentId(0x11223344),
            new java.util.SplittableRandom(1));

    String text = new String(child, StandardCharsets.ISO_8859_1);
    assertThat(text)
        .startsWith("# Disk DescriptorFile\n")
        .contains("\nparentCID=fffffffe\n")
        .contains("\n# Extent description\n")
        .contains("\n# The Disk Data Base\n#DDB\n");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"# Disk Descriptor", "# Descriptor File", "# Disk Descriptor File 2"})
  void otherFirstLinesAreStillNoDescriptor(String firstLine) {
    String text = RAW_DISK_WRAPPER.replace("# Disk Descriptor File", firstLine);
    assertThatThrownBy(() -> Descriptor.parse(text.getBytes(StandardCharsets.ISO_8859_1), FILE))
        .isInstanceOf(CorruptImageException.class)
        .hasMessageContaining("not a VMDK descriptor");
  }

  @Test
  void generatedCidsAreNeverTheValuesVmwareReserves() {
    // A generator that offers ffffffff ("no parent") and fffffffe first: both are passed over.
    int[] offered = {0xffffffff, 0xfffffffe, 0xffffffff, 0x0a0b0c0d};
    int[] next = {0};
    java.util.random.RandomGenerator scripted = () -> (long) offered[next[0]++] << 32;

    ContentId cid = ContentId.random(scripted);

    assertThat(cid).isEqualTo(new ContentId(0x0a0b0c0d));
    assertThat(next[0]).isEqualTo(4);
  }
}
