package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.vmdkdelta.vm.VmDisks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refusals of vm.VmDisks, as the command line will print them: one line after {@code
 * vmdk-delta: }, and the exit code of the design notes' table (until the commands take a .vmx,
 * through ErrorMessages and ExitCode directly).
 */
class VmxErrorsTest {
  @TempDir Path vm;

  private Throwable read(String text) throws IOException {
    Path vmx = vm.resolve("VM.vmx");
    Files.writeString(vmx, text, StandardCharsets.UTF_8);
    return catchThrowable(() -> VmDisks.read(vmx));
  }

  private void assertLine(Throwable e, int code, String line) {
    assertThat(ExitCode.of(e)).as(String.valueOf(e)).isEqualTo(code);
    assertThat(ErrorMessages.of(e)).isEqualTo(line).doesNotContain("\n");
  }

  @Test
  void notTextIsCorrupt() throws IOException {
    assertLine(
        read("a = \"1\"\n\0"),
        3,
        vm.resolve("VM.vmx")
            + ": byte 8: a NUL byte: not a text file, so not a .vmx configuration");
  }

  @Test
  void encryptedIsUnsupported() throws IOException {
    Throwable e = read("encryption.keySafe = \"k\"\nencryption.data = \"d\"\n");
    assertThat(ExitCode.of(e)).isEqualTo(4);
    assertThat(ErrorMessages.of(e))
        .startsWith(vm.resolve("VM.vmx") + ": encryption.keySafe: the VM is encrypted");
  }

  @Test
  void aMissingDiskIsAnIoError() throws IOException {
    Throwable e = read("scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"gone.vmdk\"\n");
    assertLine(
        e,
        6,
        vm.resolve("VM.vmx")
            + ": scsi0:0.fileName: the disk it names does not exist ("
            + vm.toAbsolutePath().resolve("gone.vmdk")
            + ")");
  }

  @Test
  void aBrokenDeviceLineIsCorrupt() throws IOException {
    Throwable e = read("scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\n");
    assertThat(ExitCode.of(e)).isEqualTo(3);
    assertThat(ErrorMessages.of(e))
        .startsWith(
            vm.resolve("VM.vmx") + ": line 2: scsi0:0.fileName: the value has no closing quote;");
  }
}
