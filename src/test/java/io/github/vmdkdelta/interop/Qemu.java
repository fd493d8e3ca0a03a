package io.github.vmdkdelta.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.JsonDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** qemu-img and qemu-io, run in one folder on the images in it. */
final class Qemu {
  private final Path folder;
  private final Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
  private final Path qemuIo = ExternalTools.require(ExternalTools.QEMU_IO);

  Qemu(Path folder) {
    this.folder = folder;
  }

  /** {@code qemu-img create -f vmdk NAME SIZE}. */
  void create(String name, String size) throws IOException {
    ExternalTools.run(folder, qemuImg, "create", "-f", "vmdk", name, size).expectSuccess();
  }

  /** {@code qemu-img create -f vmdk [OPTIONS] -b BACKING -F vmdk NAME}: qemu's own delta. */
  void createDelta(String name, String backing, String... options) throws IOException {
    List<Object> cmd = new ArrayList<>(List.of(qemuImg, "create", "-f", "vmdk"));
    cmd.addAll(List.of(options));
    cmd.addAll(List.of("-b", backing, "-F", "vmdk", name));
    ExternalTools.run(folder, cmd.toArray()).expectSuccess();
  }

  /** Writes the patterns into the image with one qemu-io run, in order. */
  void write(String image, List<Pattern> patterns) throws IOException {
    List<Object> cmd = new ArrayList<>(List.of(qemuIo, "-f", "vmdk"));
    for (Pattern p : patterns) {
      cmd.add("-c");
      cmd.add(p.qemuIoCommand());
    }
    cmd.add(image);
    String out = ExternalTools.run(folder, cmd.toArray()).expectSuccess().output();
    // qemu-io reports a failed command on its output but may still exit 0.
    assertThat(out).as("qemu-io output").doesNotContain("failed").doesNotContain("error");
    assertThat(out.split("\n")).filteredOn(l -> l.startsWith("wrote ")).hasSize(patterns.size());
  }

  /** {@code qemu-img convert -O raw}: the virtual disk as qemu reads it, into {@code raw}. */
  void convertToRaw(String image, Path raw) throws IOException {
    ExternalTools.run(folder, qemuImg, "convert", "-f", "vmdk", "-O", "raw", image, raw)
        .expectSuccess();
  }

  /** A sparse copy of a raw image, made by qemu-img. */
  void copyRaw(Path from, Path to) throws IOException {
    ExternalTools.run(folder, qemuImg, "convert", "-f", "raw", "-O", "raw", from, to)
        .expectSuccess();
  }

  /** {@code qemu-img check}: no errors, no leaks. */
  void assertCheckClean(String image) throws IOException {
    String out =
        ExternalTools.run(folder, qemuImg, "check", "-f", "vmdk", image).expectSuccess().output();
    assertThat(out).as("qemu-img check " + image).contains("No errors were found on the image.");
  }

  /** {@code qemu-img compare} of the image's virtual disk with a raw image: identical. */
  void assertSameContent(String image, Path raw) throws IOException {
    String out =
        ExternalTools.run(folder, qemuImg, "compare", "-f", "vmdk", "-F", "raw", image, raw)
            .expectSuccess()
            .output();
    assertThat(out).contains("Images are identical.");
  }

  /** {@code qemu-img info --backing-chain --output=json}: one map per image, leaf first. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> infoChain(String image) throws IOException {
    String out =
        ExternalTools.run(
                folder, qemuImg, "info", "--backing-chain", "--output=json", "-f", "vmdk", image)
            .expectSuccess()
            .output();
    return (List<Map<String, Object>>) JsonDocuments.parse(out);
  }

  /** The CID qemu reports for an image ({@code format-specific.data.cid}). */
  @SuppressWarnings("unchecked")
  static long cid(Map<String, Object> info) {
    var data =
        (Map<String, Object>) ((Map<String, Object>) info.get("format-specific")).get("data");
    return (Long) data.get("cid");
  }

  /** The parent CID qemu reports for an image. */
  @SuppressWarnings("unchecked")
  static long parentCid(Map<String, Object> info) {
    var data =
        (Map<String, Object>) ((Map<String, Object>) info.get("format-specific")).get("data");
    return (Long) data.get("parent-cid");
  }

  /** SHA-256 of a file, in hex. */
  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
