package io.github.vmdkdelta.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The text of a descriptor as VMware Workstation and Player write it for a new base disk: header
 * entries with {@code isNativeSnapshot="no"}, a blank line, the extent lines, then the Disk Data
 * Base with its {@code ddb.*} entries sorted by key. VMware's quirks are kept on purpose, so that
 * readers meet them in tests: the Disk Data Base heading ends in a blank, {@code ddb.uuid} is
 * VMware's spaced form starting {@code 60 00 C2}, and {@code ddb.longContentID} ends in the CID.
 *
 * <p>Modelled on descriptors written by VMware products (sources in {@code
 * testdata/vmware-style/README.md}); the values here are made up.
 */
public final class VmwareDescriptorText {
  private final String encoding;
  private final int cid;
  private final String createType;
  private final List<String> extentLines = new ArrayList<>();
  private final Map<String, String> ddb = new TreeMap<>();

  /**
   * @param encoding the declared {@code encoding} value
   * @param cid the content id; {@code ddb.longContentID} and {@code ddb.uuid} are derived from it
   * @param createType the {@code createType} value
   * @param capacitySectors the disk's size, for the geometry entries
   */
  public VmwareDescriptorText(String encoding, int cid, String createType, long capacitySectors) {
    this.encoding = encoding;
    this.cid = cid;
    this.createType = createType;
    Random random = new Random(cid);
    ddb.put("ddb.adapterType", "lsilogic");
    ddb.put("ddb.geometry.cylinders", Long.toString(Math.min(65535, capacitySectors / (255 * 63))));
    ddb.put("ddb.geometry.heads", "255");
    ddb.put("ddb.geometry.sectors", "63");
    ddb.put("ddb.longContentID", hex(random, 12) + String.format("%08x", cid));
    ddb.put("ddb.toolsInstallType", "4");
    ddb.put("ddb.toolsVersion", "12352");
    ddb.put("ddb.uuid", "60 00 C2 " + spacedHex(random, 5) + "-" + spacedHex(random, 8));
    ddb.put("ddb.virtualHWVersion", "16");
  }

  /** Adds {@code RW SECTORS SPARSE "NAME"}; the name is given as the text will hold it. */
  public VmwareDescriptorText sparseExtent(long sectors, String name) {
    extentLines.add("RW " + sectors + " SPARSE \"" + name + "\"");
    return this;
  }

  /** Adds {@code RW SECTORS FLAT "NAME" 0}. */
  public VmwareDescriptorText flatExtent(long sectors, String name) {
    extentLines.add("RW " + sectors + " FLAT \"" + name + "\" 0");
    return this;
  }

  /** Adds or replaces a {@code ddb.*} entry (kept in key order, as VMware writes them). */
  public VmwareDescriptorText ddb(String key, String value) {
    ddb.put(key, value);
    return this;
  }

  /** The descriptor text, lines ending in {@code \n}. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Disk DescriptorFile\n");
    sb.append("version=1\n");
    sb.append("encoding=\"").append(encoding).append("\"\n");
    sb.append(String.format("CID=%08x\n", cid));
    sb.append("parentCID=ffffffff\n");
    sb.append("isNativeSnapshot=\"no\"\n");
    sb.append("createType=\"").append(createType).append("\"\n");
    sb.append("\n# Extent description\n");
    extentLines.forEach(line -> sb.append(line).append('\n'));
    sb.append("\n# The Disk Data Base \n#DDB\n\n");
    ddb.forEach((k, v) -> sb.append(k).append(" = \"").append(v).append("\"\n"));
    return sb.toString();
  }

  private static String hex(Random random, int bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      sb.append(String.format("%02x", random.nextInt(256)));
    }
    return sb.toString();
  }

  private static String spacedHex(Random random, int bytes) {
    return String.join(" ", hex(random, bytes).split("(?<=\\G..)"));
  }
}
