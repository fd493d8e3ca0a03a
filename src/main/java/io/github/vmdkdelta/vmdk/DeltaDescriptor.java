package io.github.vmdkdelta.vmdk;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Writes the embedded descriptor of a new delta, in the layout qemu-img writes: header entries
 * (with {@code encoding="UTF-8"}), one extent line, then the parent's Disk Data Base with identity
 * entries made fresh (a child is a different disk from its parent, and tools that key on {@code
 * ddb.uuid} must not confuse them).
 */
public final class DeltaDescriptor {
  private static final Pattern STANDARD_UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private DeltaDescriptor() {}

  /**
   * The descriptor text of a delta of {@code parent}.
   *
   * @param parent the parent's descriptor
   * @param parentFile the parent's path, for messages
   * @param parentHint the parent's file name as the child will name it
   * @param childName the child's own file name, for its extent line
   * @param capacity the child's capacity in sectors
   * @param cid the child's content id
   */
  public static byte[] forParent(
      Descriptor parent,
      Path parentFile,
      String parentHint,
      String childName,
      long capacity,
      ContentId cid,
      RandomGenerator random)
      throws VmdkException {
    // The child names files in UTF-8 and says so, whatever the parent's encoding: UTF-8 can name
    // every file, VMware and libvmdk honour the entry, and qemu (which ignores it and opens the
    // parent by the hint's bytes) then finds the parent on a UTF-8 file system.
    Charset charset = StandardCharsets.UTF_8;
    ContentId parentCid = parent.cid(parentFile);
    StringBuilder sb = new StringBuilder();
    sb.append("# Disk DescriptorFile\n");
    sb.append("version=").append(parent.get("version").orElse("1")).append('\n');
    sb.append("encoding=\"UTF-8\"\n");
    sb.append("CID=").append(cid).append('\n');
    sb.append("parentCID=").append(parentCid).append('\n');
    sb.append("createType=\"monolithicSparse\"\n");
    sb.append("parentFileNameHint=\"")
        .append(Descriptor.encodeName(parentHint, charset, parentFile))
        .append("\"\n");
    sb.append("\n# Extent description\n");
    sb.append("RW ")
        .append(capacity)
        .append(" SPARSE \"")
        .append(Descriptor.encodeName(childName, charset, parentFile))
        .append("\"\n");
    sb.append("\n# The Disk Data Base\n#DDB\n\n");
    for (String line : parent.ddbLines()) {
      sb.append(freshen(parent, line, cid, random).stripTrailing()).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A copy of {@code descriptor} with the content id {@code cid}: its {@code CID} line, and its
   * {@code ddb.longContentID} when there is one (VMware keeps the CID in its last 8 digits), made
   * fresh in the same shape. Nothing else changes. For a disk whose data was changed.
   */
  public static Descriptor withContentId(
      Descriptor descriptor, ContentId cid, RandomGenerator random) {
    Descriptor result = descriptor.with("CID", cid.toString());
    for (String line : descriptor.ddbLines()) {
      String key = Descriptor.keyOf(line).orElseThrow();
      if (key.equalsIgnoreCase("ddb.longContentID")) {
        String value = Descriptor.unquote(valueOf(line));
        result = result.with(key, longContentId(value, cid, random));
      }
    }
    return result;
  }

  /** The ddb line with its value made fresh when it identifies the parent disk itself. */
  private static String freshen(Descriptor parent, String line, ContentId cid, RandomGenerator r) {
    String key = Descriptor.keyOf(line).orElseThrow().toLowerCase(Locale.ROOT);
    String value = Descriptor.unquote(valueOf(line));
    return switch (key) {
      case "ddb.uuid", "ddb.uuid.image", "ddb.uuid.modification" ->
          set(line, value, newId(value, r));
      case "ddb.longcontentid" -> set(line, value, longContentId(value, cid, r));
      case "ddb.uuid.parent" ->
          parent.get("ddb.uuid.image").map(v -> set(line, value, v)).orElse(line);
      case "ddb.uuid.parentmodification" ->
          parent.get("ddb.uuid.modification").map(v -> set(line, value, v)).orElse(line);
      default -> line;
    };
  }

  private static String valueOf(String line) {
    return line.substring(line.indexOf('=') + 1).strip();
  }

  private static String set(String line, String oldValue, String newValue) {
    int at = line.lastIndexOf(oldValue);
    return line.substring(0, at) + newValue + line.substring(at + oldValue.length());
  }

  /** A random id in the same textual shape as the old one (VMware's spaced bytes, or a UUID). */
  private static String newId(String old, RandomGenerator r) {
    if (STANDARD_UUID.matcher(old).matches()) {
      return new UUID(r.nextLong(), r.nextLong())
          .toString()
          .replaceFirst("^(.{14}).", "$14") // version 4
          .replaceFirst("^(.{19}).", "$1" + "89ab".charAt(r.nextInt(4)));
    }
    StringBuilder sb = new StringBuilder(old.length());
    for (char c : old.toCharArray()) {
      if (Character.digit(c, 16) >= 0) {
        char d = Character.forDigit(r.nextInt(16), 16);
        sb.append(Character.isUpperCase(c) ? Character.toUpperCase(d) : d);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** VMware writes 32 hex digits whose last 8 are the CID. */
  private static String longContentId(String old, ContentId cid, RandomGenerator r) {
    String fresh = newId(old, r);
    if (fresh.length() == 32 && fresh.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return fresh.substring(0, 24) + cid;
    }
    return fresh;
  }
}
