package io.github.vmdkdelta.interop;

import io.github.vmdkdelta.testing.ExternalTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Symbolic links whose names are the raw bytes a descriptor gives for its extent files, pointing at
 * the files as they are named on disk. qemu opens extent files by the descriptor's bytes, ignoring
 * its {@code encoding}: with these links it finds the extents of a disk whose names are not UTF-8
 * in the descriptor, so its checks can still vouch for the data. Java cannot name a file with bytes
 * that are not valid in the platform encoding, hence {@code sh} and {@code printf}.
 */
final class RawNameLinks implements AutoCloseable {
  private final Path folder;
  private final List<String> printfNames = new ArrayList<>();

  private RawNameLinks(Path folder) {
    this.folder = folder;
  }

  /**
   * Links each raw name to its file in {@code folder}, skipping names whose bytes already are the
   * file's name in UTF-8.
   */
  static RawNameLinks create(Path folder, List<String> fileNames, List<byte[]> rawNames)
      throws IOException {
    RawNameLinks links = new RawNameLinks(folder);
    for (int i = 0; i < fileNames.size(); i++) {
      byte[] raw = rawNames.get(i);
      if (!Arrays.equals(raw, fileNames.get(i).getBytes(StandardCharsets.UTF_8))) {
        links.link(fileNames.get(i), raw);
      }
    }
    return links;
  }

  private void link(String target, byte[] raw) throws IOException {
    String printfName = printfEscaped(raw);
    shell("ln -s -- \"$1\" \"$(printf \"$2\")\"", target, printfName);
    printfNames.add(printfName);
  }

  /** Removes the links. */
  @Override
  public void close() throws IOException {
    for (String printfName : printfNames) {
      shell("rm -- \"$(printf \"$1\")\"", printfName);
    }
  }

  private void shell(String script, String... args) throws IOException {
    List<Object> command =
        new ArrayList<>(List.of(ExternalTools.require("sh"), "-c", script, "sh"));
    command.addAll(List.of(args));
    ExternalTools.run(folder, command.toArray()).expectSuccess();
  }

  /** Every byte as a printf octal escape: the format then holds only ASCII and no specifiers. */
  private static String printfEscaped(byte[] raw) {
    StringBuilder sb = new StringBuilder();
    for (byte b : raw) {
      sb.append(String.format("\\%03o", b & 0xff));
    }
    return sb.toString();
  }
}
