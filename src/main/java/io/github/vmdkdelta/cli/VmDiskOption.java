package io.github.vmdkdelta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --disk FILE}: with a VM's .vmx, the disks of the VM to act on. */
final class VmDiskOption {
  @Option(
      names = "--disk",
      paramLabel = "FILE",
      description =
          "With a .vmx: act on this disk of the VM only (repeat for more). Without it, on every"
              + " disk the VM's snapshot covers.")
  List<Path> disks = new ArrayList<>();
}
