package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The Explorer menu: the .reg text, byte for byte, and what integrate windows does with it. */
class WindowsMenuTest {
  private static final String KEY =
      "HKEY_CURRENT_USER\\Software\\Classes\\SystemFileAssociations\\.vmdk\\shell\\vmdk-delta";

  private static final String VMX_KEY =
      "HKEY_CURRENT_USER\\Software\\Classes\\SystemFileAssociations\\.vmx\\shell\\vmdk-delta";

  /** Spaces, accents, Japanese, parentheses, an ampersand and an apostrophe. */
  private static final String LAUNCHER =
      "C:\\Users\\Zoë O'Brien\\Tools (x86) & more\\日本語\\vmdk-delta\\bin\\vmdk-delta.cmd";

  private static final String LAUNCHER_IN_REG =
      "C:\\\\Users\\\\Zoë O'Brien\\\\Tools (x86) & more\\\\日本語\\\\vmdk-delta\\\\bin\\\\vmdk-delta.cmd";

  @TempDir Path dir;

  private static List<String> expectedInstall() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "Windows Registry Editor Version 5.00",
                "",
                "[-" + KEY + "]",
                "",
                "[-" + VMX_KEY + "]",
                ""));
    lines.addAll(expectedMenu(KEY));
    lines.addAll(expectedMenu(VMX_KEY));
    return lines;
  }

  /** The menu of one file type: the same verbs on .vmdk and .vmx files. */
  private static List<String> expectedMenu(String key) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "[" + key + "]",
                "\"MUIVerb\"=\"vmdk-delta\"",
                "\"SubCommands\"=\"\"",
                "",
                "[" + key + "\\shell]",
                ""));
    String[][] verbs = {
      {"01-make", "make", "Make snapshot"},
      {"02-delete", "delete", "Delete snapshot"},
      {"03-revert", "revert", "Revert to snapshot"},
      {"04-commit", "commit", "Commit snapshot"}
    };
    for (String[] v : verbs) {
      lines.addAll(
          List.of(
              "[" + key + "\\shell\\" + v[0] + "]",
              "\"MUIVerb\"=\"" + v[2] + "\"",
              "\"MultiSelectModel\"=\"Single\"",
              "",
              "[" + key + "\\shell\\" + v[0] + "\\command]",
              "@=\"\\\""
                  + LAUNCHER_IN_REG
                  + "\\\" "
                  + v[1]
                  + " --pause-on-error --confirm \\\"%1\\\"\"",
              ""));
    }
    String[][] readers = {
      {"05-info", "info", "Info"},
      {"06-check", "check", "Check"}
    };
    for (String[] v : readers) {
      lines.addAll(
          List.of(
              "[" + key + "\\shell\\" + v[0] + "]",
              "\"MUIVerb\"=\"" + v[2] + "\"",
              "",
              "[" + key + "\\shell\\" + v[0] + "\\command]",
              "@=\"\\\"" + LAUNCHER_IN_REG + "\\\" " + v[1] + " --pause \\\"%1\\\"\"",
              ""));
    }
    return lines;
  }

  @Test
  void printWritesTheMenuAsARegFile() {
    Cli r = Cli.run("integrate", "windows", "--print", "--launcher", LAUNCHER);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().split("\n", -1))
        .containsExactlyElementsOf(withFinalEmpty(expectedInstall()));
  }

  @Test
  void printRemoveWritesTheRemovalFile() {
    Cli r = Cli.run("integrate", "windows", "--print", "--remove");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Windows Registry Editor Version 5.00\n\n[-" + KEY + "]\n\n[-" + VMX_KEY + "]\n\n");
  }

  @Test
  void theRemovalDeletesTheTwoKeysUnderWhichEverythingIsAdded() {
    List<String> keys =
        expectedInstall().stream().filter(l -> l.startsWith("[") && !l.startsWith("[-")).toList();
    assertThat(keys)
        .hasSize(2 * (2 + 2 * 6))
        .allMatch(
            k ->
                k.equals("[" + KEY + "]")
                    || k.startsWith("[" + KEY + "\\")
                    || k.equals("[" + VMX_KEY + "]")
                    || k.startsWith("[" + VMX_KEY + "\\"));
    assertThat(WindowsMenu.remove())
        .containsExactly(WindowsMenu.HEADER, "", "[-" + KEY + "]", "", "[-" + VMX_KEY + "]", "");
  }

  @Test
  void theCommandQuotesTheLauncherAndTheClickedFile() {
    var make = new WindowsMenu.Verb("01-make", "make", "Make snapshot", true);
    var info = new WindowsMenu.Verb("04-info", "info", "Info", false);
    assertThat(WindowsMenu.command("C:\\a b\\vmdk-delta.cmd", make))
        .isEqualTo("\"C:\\a b\\vmdk-delta.cmd\" make --pause-on-error --confirm \"%1\"");
    assertThat(WindowsMenu.command("C:\\a b\\vmdk-delta.cmd", info))
        .isEqualTo("\"C:\\a b\\vmdk-delta.cmd\" info --pause \"%1\"");
    assertThat(WindowsMenu.quote("C:\\x\\\"%1\"")).isEqualTo("\"C:\\\\x\\\\\\\"%1\\\"\"");
  }

  @Command(name = "look", description = "test stand-in")
  @ExplorerMenu(label = "Look", destructive = false)
  static final class FakeInfo implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  @Command(name = "hidden-thing", description = "test stand-in without a menu entry")
  static final class NoMenu implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  @Test
  void newCommandsJoinTheMenuByCarryingTheAnnotation() {
    CommandLine cl = new CommandLine(new CommandTree());
    cl.addSubcommand(new NoMenu());
    cl.addSubcommand(new FakeInfo());

    List<WindowsMenu.Verb> verbs = WindowsMenu.verbs(cl.getCommandSpec());

    assertThat(verbs)
        .extracting(WindowsMenu.Verb::key)
        .containsExactly(
            "01-make", "02-delete", "03-revert", "04-commit", "05-info", "06-check", "07-look");
    List<String> reg = WindowsMenu.install("C:\\v\\vmdk-delta.cmd", verbs);
    int look = reg.indexOf("[" + KEY + "\\shell\\07-look]");
    assertThat(reg.subList(look, look + 6))
        .as("a verb that changes nothing: several files at once, --pause, no --confirm")
        .containsExactly(
            "[" + KEY + "\\shell\\07-look]",
            "\"MUIVerb\"=\"Look\"",
            "",
            "[" + KEY + "\\shell\\07-look\\command]",
            "@=\"\\\"C:\\\\v\\\\vmdk-delta.cmd\\\" look --pause \\\"%1\\\"\"",
            "");
  }

  @Test
  void everyMenuVerbExistsAndEveryDestructiveOneHasAQuestion() {
    CommandLine cl = new CommandLine(new CommandTree());
    for (WindowsMenu.Verb v : WindowsMenu.verbs(cl.getCommandSpec())) {
      CommandLine sub = cl.getSubcommands().get(v.name());
      ExplorerMenu menu = Interaction.menuOf(sub.getCommandSpec());
      assertThat(sub.getCommandSpec().positionalParameters())
          .as(v.name() + " takes the clicked file")
          .hasSize(1);
      if (menu.destructive()) {
        assertThat(menu.question()).as(v.name()).contains("%s").doesNotEndWith("[y/N]");
      }
    }
  }

  @Test
  void outputWritesUtf16WithBomAndCrlf() throws IOException {
    Path file = dir.resolve("menu 日本語.reg");

    Cli r = Cli.run("integrate", "windows", "--output", file.toString(), "--launcher", LAUNCHER);

    assertThat(r.code()).as(r.err()).isZero();
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xFF, 0xFE);
    String text = new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    assertThat(text).isEqualTo(String.join("\r\n", expectedInstall()) + "\r\n");
    assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    assertThat(r.out()).contains(file.toString());
  }

  @Test
  void editingTheRegistryOutsideWindowsRefusesAndSuggestsPrint() {
    Environment notWindows =
        TestEnvironments.windows(
            false,
            f -> {
              throw new AssertionError("reg.exe run outside Windows");
            });

    for (String[] args :
        List.of(
            new String[] {"integrate", "windows"},
            new String[] {"integrate", "windows", "--remove"})) {
      Cli r = TestEnvironments.run(notWindows, args);
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.errLines()).singleElement().asString().contains("Windows only", "--print");
    }
  }

  @Test
  void onWindowsTheSameFileIsImportedWithRegExe() throws IOException {
    Path launcher = Files.createFile(dir.resolve("vmdk-delta.cmd"));
    List<byte[]> imported = new ArrayList<>();
    Environment windows = TestEnvironments.windows(true, f -> imported.add(Files.readAllBytes(f)));

    Cli added =
        TestEnvironments.run(windows, "integrate", "windows", "--launcher", launcher.toString());
    Cli removed = TestEnvironments.run(windows, "integrate", "windows", "--remove");

    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out())
        .contains(
            "Make snapshot, Delete snapshot, Revert to snapshot, Commit snapshot, Info, Check")
        .contains("Show more options");
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(imported).hasSize(2);
    CommandLine cl = new CommandLine(new CommandTree());
    assertThat(imported.get(0))
        .isEqualTo(
            WindowsMenu.fileBytes(
                WindowsMenu.install(launcher.toString(), WindowsMenu.verbs(cl.getCommandSpec()))));
    assertThat(imported.get(1)).isEqualTo(WindowsMenu.fileBytes(WindowsMenu.remove()));
  }

  @Test
  void onWindowsAMissingLauncherIsRefusedBeforeTouchingTheRegistry() {
    Environment windows =
        TestEnvironments.windows(
            true,
            f -> {
              throw new AssertionError("registry edited");
            });
    Path missing = dir.resolve("nothere.cmd");

    Cli r = TestEnvironments.run(windows, "integrate", "windows", "--launcher", missing.toString());

    assertThat(r.code()).isEqualTo(6);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .contains(missing.toString(), "no such file");
  }

  @Test
  void aLauncherPathWithAQuoteIsABadCommandLine() {
    Cli r = Cli.run("integrate", "windows", "--print", "--launcher", "C:\\a\"b\\x.cmd");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void integrateWithoutASystemIsABadCommandLine() {
    Cli r = Cli.run("integrate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("vmdk-delta: Missing system: one of windows");
  }

  private static List<String> withFinalEmpty(List<String> lines) {
    List<String> l = new ArrayList<>(lines);
    l.add("");
    return l;
  }
}
