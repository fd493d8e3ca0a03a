package io.github.vmdkdelta.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The Windows Explorer menu of .vmdk and .vmx files, as the text of a {@code .reg} file: what
 * {@code vmdk-delta integrate windows} adds to, or removes from, the registry of the current user.
 * On a .vmx, each verb acts on every disk of the VM at once.
 *
 * <p>Everything of one file type lives under one key, {@link #KEY} or {@link #VMX_KEY}: a cascading
 * menu ({@code MUIVerb}, an empty {@code SubCommands} and a {@code shell} subkey) with one verb per
 * subcommand that carries {@link ExplorerMenu}. {@code SystemFileAssociations} keeps the menu
 * whatever program opens .vmdk files, and no default "open" verb is registered, so VMware keeps the
 * file type. Removal deletes the two keys with everything below them; installing removes it first,
 * so a menu from an older version never keeps stale verbs.
 */
final class WindowsMenu {
  /** The key that holds the whole menu; HKEY_CURRENT_USER needs no administrator rights. */
  static final String KEY = keyOf(".vmdk");

  /** The key of the menu of .vmx files. */
  static final String VMX_KEY = keyOf(".vmx");

  private static String keyOf(String extension) {
    return "HKEY_CURRENT_USER\\Software\\Classes\\SystemFileAssociations\\"
        + extension
        + "\\shell\\vmdk-delta";
  }

  /** The first line of a .reg file that regedit and {@code reg import} accept as Unicode. */
  static final String HEADER = "Windows Registry Editor Version 5.00";

  /**
   * One menu entry.
   *
   * @param key the registry key name; Explorer sorts a cascading menu by key name, so it starts
   *     with the verb's position
   * @param name the subcommand
   * @param label the text shown
   * @param destructive whether it changes files
   */
  record Verb(String key, String name, String label, boolean destructive) {}

  private WindowsMenu() {}

  /** The menu entries: the root's subcommands carrying {@link ExplorerMenu}, in their order. */
  static List<Verb> verbs(CommandSpec root) {
    List<Verb> verbs = new ArrayList<>();
    for (var entry : root.subcommands().entrySet()) {
      CommandSpec sub = entry.getValue().getCommandSpec();
      ExplorerMenu menu = Interaction.menuOf(sub);
      // subcommands() also maps aliases; only the command's own name makes an entry.
      if (menu != null && entry.getKey().equals(sub.name())) {
        String key = String.format(Locale.ROOT, "%02d-%s", verbs.size() + 1, sub.name());
        verbs.add(new Verb(key, sub.name(), menu.label(), menu.destructive()));
      }
    }
    return verbs;
  }

  /**
   * The command line Explorer runs for a verb: the launcher and the clicked file, both quoted
   * (either may contain spaces), {@code %1} left for Explorer to replace.
   */
  static String command(String launcher, Verb verb) {
    String options = verb.destructive() ? "--pause-on-error --confirm" : "--pause";
    return "\"" + launcher + "\" " + verb.name() + " " + options + " \"%1\"";
  }

  /** The lines of a .reg file that (re)creates the menu. */
  static List<String> install(String launcher, List<Verb> verbs) {
    if (launcher.indexOf('"') >= 0 || launcher.isBlank()) {
      throw new IllegalArgumentException("launcher path: " + launcher);
    }
    List<String> lines = new ArrayList<>(remove());
    menu(lines, KEY, launcher, verbs);
    menu(lines, VMX_KEY, launcher, verbs);
    return lines;
  }

  /** One file type's menu, under {@code menu}. */
  private static void menu(List<String> lines, String menu, String launcher, List<Verb> verbs) {
    lines.add("[" + menu + "]");
    lines.add(value("MUIVerb", "vmdk-delta"));
    lines.add(value("SubCommands", ""));
    lines.add("");
    lines.add("[" + menu + "\\shell]");
    lines.add("");
    for (Verb verb : verbs) {
      String key = menu + "\\shell\\" + verb.key();
      lines.add("[" + key + "]");
      lines.add(value("MUIVerb", verb.label()));
      if (verb.destructive()) {
        lines.add(value("MultiSelectModel", "Single"));
      }
      lines.add("");
      lines.add("[" + key + "\\command]");
      lines.add("@=" + quote(command(launcher, verb)));
      lines.add("");
    }
  }

  /** The lines of a .reg file that removes the menus: their keys, with all below them. */
  static List<String> remove() {
    return List.of(HEADER, "", "[-" + KEY + "]", "", "[-" + VMX_KEY + "]", "");
  }

  private static String value(String name, String data) {
    return quote(name) + "=" + quote(data);
  }

  /** A .reg string: in double quotes, with backslash and double quote escaped by a backslash. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * The .reg file as regedit and {@code reg import} read it best: UTF-16LE with a byte order mark,
   * CRLF line ends (a UTF-8 file would be read in the ANSI code page, garbling non-ASCII paths).
   */
  static byte[] fileBytes(List<String> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0xFF);
    bytes.write(0xFE);
    byte[] text = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_16LE);
    bytes.write(text, 0, text.length);
    return bytes.toByteArray();
  }
}
