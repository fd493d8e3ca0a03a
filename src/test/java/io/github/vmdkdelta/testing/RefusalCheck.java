package io.github.vmdkdelta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One row of a refusal table, run through the command line: a folder with a qemu-made disk holding
 * some data, broken by the row's setup; the command must exit with the row's code and one stderr
 * line naming the problem, and leave every file (and a sentinel beside the folder) as it was.
 */
public final class RefusalCheck {
  private RefusalCheck() {}

  /** Breaks the folder for one row. */
  public interface Setup {
    void apply(Path folder) throws IOException;
  }

  /**
   * @param verb the command, optionally followed by the disk's name (default {@code sd0.vmdk})
   */
  public static void assertRefusedAndUnchanged(
      Path root, Setup setup, String verb, int code, String fragment) throws IOException {
    Setup qemuDiskThenSetup =
        folder -> {
          QemuDisks.base(folder, "sd0.vmdk", "64M");
          QemuDisks.write(folder.resolve("sd0.vmdk"), 65536, 4096, 0x5a);
          setup.apply(folder);
        };
    check(root, qemuDiskThenSetup, verb, code, fragment);
  }

  /**
   * The same check on a folder that {@code build} fills from scratch (no qemu-made disk); the error
   * line must contain every fragment.
   *
   * @param verb the command, optionally followed by the disk's name (default {@code sd0.vmdk})
   */
  public static void assertRefusedAndUnchangedFromScratch(
      Path root, Setup build, String verb, int code, String... fragments) throws IOException {
    check(root, build, verb, code, fragments);
  }

  private static void check(Path root, Setup build, String verb, int code, String... fragments)
      throws IOException {
    Path folder = Files.createDirectory(root.resolve("vm folder"));
    Path sentinel = Files.writeString(root.resolve("sentinel.txt"), "outside the folder");
    build.apply(folder);
    FolderSnapshot before = FolderSnapshot.of(root);

    String[] words = verb.split(" ");
    String disk = folder.resolve(words.length > 1 ? words[1] : "sd0.vmdk").toString();
    Cli r = Cli.run(words[0], disk);

    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines()[0]).startsWith("vmdk-delta: ").contains(fragments);
    assertThat(r.out()).isEmpty();
    before.assertUnchanged();
    assertThat(sentinel).hasContent("outside the folder");
  }
}
