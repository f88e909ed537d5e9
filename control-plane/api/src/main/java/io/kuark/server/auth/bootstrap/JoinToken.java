package io.kuark.server.auth.bootstrap;

import io.kuark.server.auth.pki.SecureFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A node join token in k3s's secure form {@code K10<sha256 of the CA certificate>::<id>.<secret>}:
 * the hash lets a joining agent check the CA it fetched from {@code /cacerts} before trusting it,
 * the bootstrap token authenticates the agent's first CertificateSigningRequest.
 *
 * @param caHash lower-case hex SHA-256 of the CA certificate PEM as {@code /cacerts} serves it
 * @param token the bootstrap token
 */
public record JoinToken(String caHash, BootstrapToken token) {

  private static final String PREFIX = "K10";

  /** {@code K10<hash>::<id>.<secret>}. */
  public String text() {
    return PREFIX + caHash + "::" + token.text();
  }

  /** Parses the secure form; empty when {@code text} is not one. */
  public static Optional<JoinToken> parse(String text) {
    String t = text.strip();
    int sep = t.indexOf("::");
    if (!t.startsWith(PREFIX) || sep < 0) {
      return Optional.empty();
    }
    String hash = t.substring(PREFIX.length(), sep);
    if (!hash.matches("[0-9a-f]{64}")) {
      return Optional.empty();
    }
    return BootstrapToken.parse(t.substring(sep + 2)).map(b -> new JoinToken(hash, b));
  }

  /** Hex SHA-256 of {@code caPem}'s UTF-8 bytes. */
  public static String hash(String caPem) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(caPem.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  /**
   * The server's join token in {@code file} (mode 0600): read when present (the hash is brought up
   * to date with {@code caPem}), otherwise generated and written.
   */
  public static JoinToken loadOrCreate(Path file, String caPem) {
    String hash = hash(caPem);
    if (Files.exists(file)) {
      Optional<JoinToken> existing = parse(SecureFiles.read(file));
      if (existing.isPresent()) {
        JoinToken current = new JoinToken(hash, existing.get().token());
        if (!existing.get().caHash().equals(hash)) {
          SecureFiles.writePrivate(file, current.text() + "\n");
        }
        return current;
      }
    }
    JoinToken fresh = new JoinToken(hash, BootstrapToken.generate());
    SecureFiles.writePrivate(file, fresh.text() + "\n");
    return fresh;
  }

  @Override
  public String toString() {
    return "JoinToken[" + token + "]";
  }
}
