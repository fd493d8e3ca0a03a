package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Double-click behaviour: --pause-on-error, --pause, --confirm and --yes, on a fake terminal. */
class InteractionTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(Terminal terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(terminal, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  // --pause-on-error and --pause

  @Test
  void pauseOnErrorExplainsAndWaitsForEnterOnATerminal() {
    FakeTerminal t = FakeTerminal.typing("");
    Path missing = dir.resolve("sd0.vmdk");

    Run r = run(t, "make", "--pause-on-error", missing.toString());

    assertThat(r.code()).isEqualTo(6);
    assertThat(t.reads).isEqualTo(1);
    assertThat(r.err())
        .startsWith("vmdk-delta: " + missing + ": no such file\n")
        .contains("A file could not be read or written")
        .endsWith("Press Enter to close this window.");
  }

  @Test
  void pauseOnErrorNeverWaitsWithoutATerminal() {
    FakeTerminal t = FakeTerminal.none();
    Path missing = dir.resolve("sd0.vmdk");

    Run r = run(t, "--pause-on-error", "make", missing.toString());

    assertThat(r.code()).isEqualTo(6);
    assertThat(r.err()).isEqualTo("vmdk-delta: " + missing + ": no such file\n");
  }

  @Test
  void pauseOnErrorDoesNotWaitAfterSuccess() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    FakeTerminal t = FakeTerminal.typing("");

    Run r = run(t, "make", "--pause-on-error", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(t.reads).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void pauseOnErrorAlsoWaitsAfterABadCommandLine() {
    FakeTerminal t = FakeTerminal.typing();

    Run r = run(t, "delete", "--pause-on-error");

    assertThat(r.code()).isEqualTo(2);
    assertThat(t.reads).as("EOF ends the wait too").isEqualTo(1);
    assertThat(r.err())
        .startsWith("vmdk-delta: Missing required parameter: 'DISK'")
        .contains("The command was not understood");
  }

  @Test
  void pauseWaitsAfterSuccessToo() {
    FakeTerminal t = FakeTerminal.typing("");

    Run r = run(t, "--pause", "--version");

    assertThat(r.code()).isZero();
    assertThat(t.reads).isEqualTo(1);
    assertThat(r.out()).startsWith("vmdk-delta ");
    assertThat(r.err()).isEqualTo("\nPress Enter to close this window.");
  }

  @Test
  void pauseNeverWaitsWithoutATerminal() {
    Run r = run(FakeTerminal.none(), "--pause", "--version");
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void everyExitCodeHasAdvice() {
    for (int code = 1; code <= 7; code++) {
      assertThat(Interaction.advice(code)).as("exit %d", code).isNotEmpty();
    }
  }

  // --confirm and --yes

  @ParameterizedTest
  @ValueSource(strings = {"y", "yes", "Y", " YES ", "Yes"})
  void confirmGoesAheadOnYes(String answer) throws IOException {
    Path disk = made();
    FakeTerminal t = FakeTerminal.typing(answer);

    Run r = run(t, "delete", "--pause-on-error", "--confirm", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .isEqualTo("Delete the snapshot of sd0.vmdk and lose the changes made since? [y/N] ");
    assertThat(r.out()).contains("snapshot deleted");
    assertThat(dir.resolve("sd0-000000.vmdk")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"n", "no", "", " ", "yess", "oui", "y es"})
  void confirmChangesNothingOnAnyOtherAnswer(String answer) throws IOException {
    Path disk = made();
    FolderSnapshot before = FolderSnapshot.of(dir);
    FakeTerminal t = FakeTerminal.typing(answer);

    Run r = run(t, "delete", "--pause-on-error", "--confirm", disk.toString());

    assertThat(r.code()).isZero();
    assertThat(t.reads).as("no pause after a no").isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "Delete the snapshot of sd0.vmdk and lose the changes made since? [y/N] "
                + "vmdk-delta: nothing changed: the answer was not yes\n");
    assertThat(r.out()).isEmpty();
    before.assertUnchanged();
  }

  @Test
  void confirmTreatsEndOfInputAsNo() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    FolderSnapshot before = FolderSnapshot.of(dir);

    Run r = run(FakeTerminal.typing(), "make", "--confirm", disk.toString());

    assertThat(r.code()).isZero();
    assertThat(r.err())
        .startsWith("Make a snapshot of sd0.vmdk (keep it as it is now;")
        .endsWith("[y/N] \nvmdk-delta: nothing changed: the answer was not yes\n");
    before.assertUnchanged();
  }

  @Test
  void onAVmxTheQuestionNamesEveryDiskOrTheNamedOnes() throws IOException {
    Path vmx = io.github.vmdkdelta.testing.VmFolder.create(dir);
    FolderSnapshot before = FolderSnapshot.of(dir);

    Run all = run(FakeTerminal.typing(), "delete", "--confirm", vmx.toString());
    Run named =
        run(
            FakeTerminal.typing(),
            "revert",
            "--confirm",
            "--disk",
            dir.resolve("sys.vmdk").toString(),
            vmx.toString());

    assertThat(all.err())
        .startsWith(
            "Delete the snapshot of every disk of Office PC.vmx and lose the changes made since?");
    assertThat(named.err())
        .startsWith("Revert sys.vmdk of Office PC.vmx to its snapshot and lose the changes");
    before.assertUnchanged();
  }

  @Test
  void confirmWithoutATerminalRefusesInsteadOfWaiting() throws IOException {
    Path disk = made();
    FolderSnapshot before = FolderSnapshot.of(dir);

    Run r = run(FakeTerminal.none(), "delete", "--confirm", disk.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "vmdk-delta: --confirm needs a terminal to ask \"Delete the snapshot of sd0.vmdk and"
                + " lose the changes made since?\"; add --yes to go ahead without asking (try"
                + " 'vmdk-delta --help')\n");
    before.assertUnchanged();
  }

  @Test
  void yesAnswersTheQuestion() throws IOException {
    Path disk = made();

    Run r = run(FakeTerminal.none(), "delete", "--confirm", "--yes", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(dir.resolve("sd0-000000.vmdk")).doesNotExist();
  }

  @Test
  void withoutConfirmNothingIsAskedEvenOnATerminal() throws IOException {
    Path disk = made();
    FakeTerminal t = FakeTerminal.typing("n");

    Run r = run(t, "delete", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(t.reads).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void dryRunNeverAsks() throws IOException {
    Path disk = made();
    FakeTerminal t = FakeTerminal.typing("n");

    Run r = run(t, "--dry-run", "delete", "--confirm", disk.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(t.reads).isZero();
    assertThat(r.out()).startsWith("would delete the delta");
  }

  @Test
  void confirmDoesNotAskForHelp() {
    FakeTerminal t = FakeTerminal.typing("n");
    Run r = run(t, "delete", "--confirm", "--help");
    assertThat(r.code()).isZero();
    assertThat(t.reads).isZero();
    assertThat(r.out()).startsWith("Usage: vmdk-delta delete");
  }

  @Test
  void confirmAsksOnlyForVerbsThatChangeFiles() {
    FakeTerminal t = FakeTerminal.typing("n");
    Run r = run(t, "recover", "--confirm", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(t.reads).isZero();
  }

  @Test
  void answersAreYesOnlyForYOrYes() {
    assertThat(Interaction.isYes("y")).isTrue();
    assertThat(Interaction.isYes("YES\r")).isTrue();
    assertThat(Interaction.isYes("")).isFalse();
    assertThat(Interaction.isYes("n")).isFalse();
    assertThat(Interaction.isYes("ye")).isFalse();
  }

  private Path made() throws IOException {
    Path disk = QemuDisks.base(dir, "sd0.vmdk", "16M");
    Run r = run(FakeTerminal.none(), "make", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.exists(dir.resolve("sd0-000000.vmdk"))).isTrue();
    return disk;
  }
}
