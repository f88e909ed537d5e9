package io.kuark.server.auth.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bootstrap token ({@code <id>.<secret>}, upstream's {@code [a-z0-9]{6}.[a-z0-9]{16}}) and its
 * Secret in {@code kube-system}: name {@code bootstrap-token-<id>}, type {@code
 * bootstrap.kubernetes.io/token}, data {@code token-id}, {@code token-secret}, {@code expiration}
 * (RFC 3339, optional), {@code usage-bootstrap-authentication} and {@code usage-bootstrap-signing},
 * as kubeadm writes them.
 *
 * @param id the public part (also in the user name {@code system:bootstrap:<id>})
 * @param secret the secret part
 */
public record BootstrapToken(String id, String secret) {

  public static final String NAMESPACE = "kube-system";
  public static final String SECRET_PREFIX = "bootstrap-token-";
  public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
  public static final String USER_PREFIX = "system:bootstrap:";
  public static final String GROUP = "system:bootstrappers";

  private static final Pattern FORMAT = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Parses {@code <id>.<secret>}; empty when the text does not have that form. */
  public static Optional<BootstrapToken> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    return m.matches() ? Optional.of(new BootstrapToken(m.group(1), m.group(2))) : Optional.empty();
  }

  /** A new random token. */
  public static BootstrapToken generate() {
    return new BootstrapToken(random(6), random(16));
  }

  /** {@code <id>.<secret>}. */
  public String text() {
    return id + "." + secret;
  }

  public String secretName() {
    return SECRET_PREFIX + id;
  }

  /**
   * The Secret holding this token for authentication.
   *
   * @param expiration when the token stops working, or null for never
   * @param description what it is for (shown to admins)
   */
  public ObjectNode toSecret(Instant expiration, String description) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode object = f.objectNode();
    object.put("apiVersion", "v1");
    object.put("kind", "Secret");
    ObjectNode meta = object.putObject("metadata");
    meta.put("name", secretName());
    meta.put("namespace", NAMESPACE);
    object.put("type", SECRET_TYPE);
    ObjectNode data = object.putObject("data");
    data.put("token-id", b64(id));
    data.put("token-secret", b64(secret));
    data.put("usage-bootstrap-authentication", b64("true"));
    data.put("usage-bootstrap-signing", b64("true"));
    if (description != null) {
      data.put("description", b64(description));
    }
    if (expiration != null) {
      data.put(
          "expiration",
          b64(expiration.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
    }
    return object;
  }

  /** A data field of a Secret, decoded; "" when missing or not base64. */
  static String field(JsonNode secret, String key) {
    String raw = secret.path("data").path(key).asText("");
    try {
      return new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String random(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    // Never log the secret part.
    return "BootstrapToken[" + id + "]";
  }
}
