package io.github.vmdkdelta.cli;

import static io.github.vmdkdelta.testing.RefusalCheck.assertRefusedAndUnchangedFromScratch;

import io.github.vmdkdelta.testing.HostedDiskFixture;
import io.github.vmdkdelta.testing.VmdkFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk whose header has uncleanShutdown set was not closed cleanly: a VM may still have it open,
 * or crashed with it. {@code make} and {@code commit} refuse (exit 7) when the flag is set on the
 * disk given or on any disk below it, name that disk and say how to clear the flag, changing
 * nothing. Bases are VMware-style monolithicSparse files ({@link HostedDiskFixture}), deltas are
 * made by {@link VmdkFixture}.
 */
class UncleanShutdownRefusalTest {
  private static final String NOT_CLOSED = ": header: disk was not closed cleanly";
  private static final String ADVICE = "boot the VM once and shut it down cleanly";
  private static final int BASE_CID = 0x0b0b0b0b;
  private static final int MIDDLE_CID = 0x0c0c0c0c;

  @TempDir Path root;

  @Test
  void makeOnADiskNotClosedCleanly() throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        folder -> uncleanBase("sd0.vmdk").writeTo(folder),
        "make sd0.vmdk",
        7,
        "sd0.vmdk" + NOT_CLOSED,
        ADVICE);
  }

  @Test
  void makeOnADeltaWhoseParentWasNotClosedCleanly() throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        this::deltaOnAnUncleanBase,
        "make sd0.vmdk",
        7,
        "sd0-000000.vmdk" + NOT_CLOSED,
        ADVICE);
  }

  @Test
  void makeOnAChainWhoseBaseWasNotClosedCleanly() throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        this::twoDeltasOnAnUncleanBase,
        "make sd0.vmdk",
        7,
        "sd0-000000.vmdk" + NOT_CLOSED,
        ADVICE);
  }

  @Test
  void commitIntoAParentNotClosedCleanly() throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        this::deltaOnAnUncleanBase,
        "commit sd0.vmdk",
        7,
        "sd0-000000.vmdk" + NOT_CLOSED,
        ADVICE);
  }

  @Test
  void commitOnAChainWhoseBaseWasNotClosedCleanly() throws IOException {
    assertRefusedAndUnchangedFromScratch(
        root,
        this::twoDeltasOnAnUncleanBase,
        "commit sd0.vmdk",
        7,
        "sd0-000000.vmdk" + NOT_CLOSED,
        ADVICE);
  }

  /** sd0.vmdk → sd0-000000.vmdk, the base not closed cleanly. */
  private void deltaOnAnUncleanBase(Path folder) throws IOException {
    uncleanBase("sd0-000000.vmdk").writeTo(folder);
    delta("sd0.vmdk", "sd0-000000.vmdk", BASE_CID).grain(0, 0x22).writeTo(folder);
  }

  /** sd0.vmdk → sd0-000001.vmdk → sd0-000000.vmdk, the base not closed cleanly. */
  private void twoDeltasOnAnUncleanBase(Path folder) throws IOException {
    uncleanBase("sd0-000000.vmdk").writeTo(folder);
    delta("sd0-000001.vmdk", "sd0-000000.vmdk", BASE_CID).cid(MIDDLE_CID).writeTo(folder);
    delta("sd0.vmdk", "sd0-000001.vmdk", MIDDLE_CID).grain(0, 0x22).writeTo(folder);
  }

  private static HostedDiskFixture uncleanBase(String name) {
    return HostedDiskFixture.monolithicSparse(name).cid(BASE_CID).grain(0, 0x11).uncleanShutdown();
  }

  private static VmdkFixture delta(String name, String parent, int parentCid) {
    return VmdkFixture.delta(name, parent, parentCid).capacitySectors(2048);
  }
}
