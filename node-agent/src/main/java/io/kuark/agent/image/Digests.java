package io.kuark.agent.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests in the OCI form {@code sha256:<64 hex>}. */
public final class Digests {

  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  private Digests() {}

  /** A fresh SHA-256 instance. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** Formats a finished SHA-256 as {@code sha256:<hex>}. */
  public static String format(MessageDigest digest) {
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  /** The digest of {@code bytes}. */
  public static String of(byte[] bytes) {
    MessageDigest digest = sha256();
    digest.update(bytes);
    return format(digest);
  }

  /**
   * Checks that {@code digest} is a SHA-256 digest we can verify and returns its hex part.
   *
   * @throws IllegalArgumentException for other algorithms or malformed digests
   */
  public static String hex(String digest) {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new IllegalArgumentException("unsupported or malformed digest: " + digest);
    }
    return digest.substring("sha256:".length());
  }
}
