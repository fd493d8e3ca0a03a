package io.github.vmdkdelta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vmdkdelta.ops.CommitDelta;
import io.github.vmdkdelta.ops.MakeDelta;
import io.github.vmdkdelta.ops.Options;
import io.github.vmdkdelta.ops.VmOperation;
import io.github.vmdkdelta.testing.Cli;
import io.github.vmdkdelta.testing.ExternalTools;
import io.github.vmdkdelta.testing.FolderSnapshot;
import io.github.vmdkdelta.testing.QemuDisks;
import io.github.vmdkdelta.testing.TestFolders;
import io.github.vmdkdelta.testing.ToolProcess;
import io.github.vmdkdelta.testing.VmFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process killed inside every step of {@code make} and {@code commit} on a VM's .vmx
 * (three disks, one transaction), then {@code recover DIR}: the folder ends byte for byte as before
 * or as after, never with one disk changed and another not, and every disk is then a valid chain
 * for qemu-img. Each primitive is crashed in-process by VmFaultInjectionTest and PowerCutTest.
 */
class VmKillIT {
  @TempDir Path root;

  @Test
  void makeOnAVmKilledInsideEveryStepIsAllOldOrAllNew() throws IOException {
    Path template = root.resolve("make");
    VmFolder.create(template);
    sweep(
        "make",
        template,
        (ops, folder) ->
            VmOperation.make(new MakeDelta(ops, new SplittableRandom(1), Options.DEFAULT))
                .run(folder.resolve(VmFolder.VMX)));
  }

  @Test
  void commitOnAVmKilledInsideEveryStepIsAllOldOrAllNew() throws IOException {
    Path template = root.resolve("commit");
    Path vmx = VmFolder.create(template);
    ToolProcess.run(List.of(), "make", vmx.toString()).expectSuccess();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      QemuDisks.write(template.resolve(disk), 0, 4096, 0x77);
      QemuDisks.write(template.resolve(disk), 6 << 20, 131072, 0x78);
    }
    sweep(
        "commit",
        template,
        (ops, folder) ->
            VmOperation.commit(new CommitDelta(ops, new SplittableRandom(1), Options.DEFAULT))
                .run(folder.resolve(VmFolder.VMX)));
  }

  private void sweep(String verb, Path template, KillPoints.Operation inProcess)
      throws IOException {
    Map<String, String> before = FolderSnapshot.of(template).entries();
    List<Path> raws = new ArrayList<>();
    for (String disk : VmFolder.SNAPSHOT_DISKS) {
      raws.add(QemuDisks.toRaw(template.resolve(disk), root.resolve(verb + "-" + disk + ".raw")));
    }
    KillPoints points = KillPoints.record(template, root, verb + "-record", inProcess);
    Map<String, String> after = FolderSnapshot.of(root.resolve(verb + "-record")).entries();
    List<Integer> chosen = points.everyStep();
    System.out.println(
        "VmKillIT " + verb + ": " + points.count() + " file changes, killed at " + chosen);
    assertThat(chosen.size()).as("steps of a whole-VM %s", verb).isGreaterThan(12);
    int oldStates = 0;
    int newStates = 0;
    Path qemuImg = ExternalTools.require(ExternalTools.QEMU_IMG);
    for (int k : chosen) {
      Path folder = TestFolders.copyOf(template, root, verb + "-" + k);
      var killed =
          ToolProcess.run(
              List.of("-Dvmdk-delta.test.haltAtIo=" + k),
              verb,
              folder.resolve(VmFolder.VMX).toString());
      Cli recovered = Cli.run("recover", folder.toString());
      assertThat(recovered.code()).as(recovered.err()).isZero();
      Map<String, String> now = FolderSnapshot.of(folder).entries();
      if (now.equals(before)) {
        oldStates++;
      } else {
        // The CIDs are the process's own (SecureRandom): compare names, then the data.
        assertThat(now.keySet())
            .as("%s killed at %d (%s), then recovered", verb, k, points.kind(k))
            .isEqualTo(after.keySet());
        newStates++;
      }
      for (int i = 0; i < raws.size(); i++) {
        String disk = VmFolder.SNAPSHOT_DISKS.get(i);
        ExternalTools.run(folder, qemuImg, "check", disk).expectSuccess();
        ExternalTools.run(
                folder, qemuImg, "compare", "-f", "vmdk", "-F", "raw", disk, raws.get(i).toString())
            .expectSuccess();
      }
      points.expect(k, killed);
    }
    assertThat(oldStates).as("kills before the commit point roll every disk back").isPositive();
    assertThat(newStates).as("kills after it complete every disk").isPositive();
  }
}
