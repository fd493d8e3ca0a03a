package io.github.vmdkdelta.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmdk-delta integrate SYSTEM}: menus and file associations of the desktop. */
@Command(
    name = "integrate",
    description = "Add vmdk-delta to the desktop's menus.",
    subcommands = IntegrateCommand.Windows.class)
final class IntegrateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing system: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /** {@code vmdk-delta integrate windows}. */
  @Command(
      name = "windows",
      description = {
        "Add a 'vmdk-delta' submenu to the Explorer context menu of .vmdk files, for the current"
            + " user only (HKEY_CURRENT_USER, no administrator rights): one entry per command that"
            + " works on a disk. Entries that change files ask before they do (--confirm) and keep"
            + " the window open after an error (--pause-on-error); the others keep it open (--pause).",
        "Edits the registry with reg.exe, on Windows only. --print or --output write the same"
            + " change as a .reg file instead, on any system, to look at or to import with regedit.",
      })
  static final class Windows implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--remove", description = "Remove exactly what this command adds.")
    boolean remove;

    @Option(
        names = "--print",
        description =
            "Print the .reg file instead of editing the registry (as text in this console's"
                + " charset: for a file to import, use --output).")
    boolean print;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description =
            "Write the .reg file to FILE (UTF-16LE with BOM and CRLF, as regedit expects) instead"
                + " of editing the registry.")
    Path output;

    @Option(
        names = "--launcher",
        paramLabel = "PATH",
        description =
            "The vmdk-delta.cmd the menu runs (default: bin\\vmdk-delta.cmd of this installation)."
                + " Give it when writing a .reg file for another machine.")
    String launcher;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      CommandSpec root = spec.root();
      Environment environment = ((RootCommand) root.userObject()).environment;
      boolean onWindows = environment.onWindows();
      List<WindowsMenu.Verb> verbs = WindowsMenu.verbs(root);
      if (!onWindows && !print && output == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "the Explorer menu exists on Windows only, and this is "
                + System.getProperty("os.name")
                + ": use --print or --output FILE to write the .reg file, then import it on"
                + " Windows");
      }
      String cmd = null;
      if (!remove) {
        cmd = launcher != null ? launcher : defaultLauncher().orElse(null);
        if (cmd == null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "cannot tell where this installation's bin\\vmdk-delta.cmd is: give it with"
                  + " --launcher");
        }
        if (cmd.indexOf('"') >= 0 || cmd.isBlank()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--launcher: not a usable path: " + cmd);
        }
        if (launcher == null && !onWindows && (print || output != null)) {
          err.println(
              "vmdk-delta: note: the menu runs "
                  + cmd
                  + ", a path on this system; for a Windows machine give --launcher"
                  + " 'C:\\...\\bin\\vmdk-delta.cmd'");
        }
      }
      List<String> reg = remove ? WindowsMenu.remove() : WindowsMenu.install(cmd, verbs);
      if (output != null) {
        Files.write(output, WindowsMenu.fileBytes(reg));
        out.println(output + ": written; import it with: reg import \"" + output + "\"");
        return ExitCode.OK;
      }
      if (print) {
        reg.forEach(out::println);
        return ExitCode.OK;
      }
      if (!remove && !Files.isRegularFile(Path.of(cmd))) {
        throw new NoSuchFileException(cmd, null, "no such file: the menu would run nothing");
      }
      Path file = Files.createTempFile("vmdk-delta-menu", ".reg");
      try {
        Files.write(file, WindowsMenu.fileBytes(reg));
        environment.importRegistry(file);
      } finally {
        Files.deleteIfExists(file);
      }
      if (remove) {
        out.println(
            "Removed the vmdk-delta menus of .vmdk and .vmx files ("
                + WindowsMenu.KEY
                + ", "
                + WindowsMenu.VMX_KEY
                + ").");
      } else {
        out.println(
            "Added the vmdk-delta menu to .vmdk and .vmx files: right-click a .vmdk file, or a"
                + " .vmx to act on every disk of the VM (on Windows 11, then 'Show more options'),"
                + " then vmdk-delta: "
                + verbs.stream().map(WindowsMenu.Verb::label).collect(Collectors.joining(", "))
                + ".");
      }
      return ExitCode.OK;
    }
  }

  /**
   * bin\vmdk-delta.cmd of the installation this runs from: VMDK_DELTA_HOME, which both launchers
   * set, else the folder above the jar's folder (target\ in a repository, lib\ in a distribution).
   */
  static Optional<String> defaultLauncher() {
    Path home = null;
    String env = System.getenv("VMDK_DELTA_HOME");
    if (env != null && !env.isBlank()) {
      home = Path.of(env);
    } else {
      try {
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (jar.getFileName().toString().endsWith(".jar") && jar.getParent() != null) {
          home = jar.getParent().getParent();
        }
      } catch (Exception e) {
        // No code source (unusual class loader): the caller asks for --launcher.
      }
    }
    if (home == null) {
      return Optional.empty();
    }
    return Optional.of(
        home.toAbsolutePath().normalize().resolve("bin").resolve("vmdk-delta.cmd").toString());
  }

  /**
   * {@code %SystemRoot%\System32\reg.exe import FILE}: reg.exe from the system folder, not from the
   * PATH. The menu goes in as a .reg file rather than as {@code reg add} arguments, because a value
   * holding double quotes and backslashes cannot be passed through Java's Windows command line
   * quoting reliably, and so that what is written is exactly what --print shows.
   */
  static void regExeImport(Path regFile) throws IOException {
    String systemRoot = System.getenv().getOrDefault("SystemRoot", "C:\\Windows");
    List<String> command = new ArrayList<>();
    command.add(Path.of(systemRoot, "System32", "reg.exe").toString());
    command.add("import");
    command.add(regFile.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("reg.exe import did not finish in 60 seconds");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running reg.exe", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "reg.exe import failed (exit " + p.exitValue() + "): " + output.replaceAll("\\s+", " "));
    }
  }
}
