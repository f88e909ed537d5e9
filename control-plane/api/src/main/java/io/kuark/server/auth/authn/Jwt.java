package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;

/**
 * Compact JWS with ES256 (ECDSA P-256, SHA-256, signature as the 64-byte R||S the JOSE spec asks
 * for). Only what service account tokens need: sign claims, and verify a token's signature and
 * header before its claims are trusted.
 */
public final class Jwt {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();
  private static final String ALGORITHM = "SHA256withECDSAinP1363Format";

  /** Longer tokens are refused before any parsing (upstream headers are at most 1 MiB). */
  static final int MAX_TOKEN_CHARS = 16 * 1024;

  private Jwt() {}

  /**
   * Signs {@code claims}.
   *
   * @param keyId the {@code kid} header (lets verifiers pick the key)
   */
  public static String sign(ObjectNode claims, PrivateKey key, String keyId) {
    ObjectNode header = MAPPER.createObjectNode();
    header.put("alg", "ES256");
    header.put("kid", keyId);
    String signingInput = encode(header) + "." + encode(claims);
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    if (Es256Signer.supports(key)) {
      return signingInput
          + "."
          + ENC.encodeToString(
              Es256Signer.sign((java.security.interfaces.ECPrivateKey) key, input));
    }
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(input);
      return signingInput + "." + ENC.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  /**
   * The claims of {@code token} when it is a well-formed ES256 JWS whose signature verifies with
   * {@code key}; empty for anything else (malformed, other algorithm, bad signature).
   */
  public static Optional<ObjectNode> verify(String token, PublicKey key) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = MAPPER.readTree(DEC.decode(parts[0]));
      if (header == null || !"ES256".equals(header.path("alg").asText())) {
        return Optional.empty();
      }
      byte[] signature = DEC.decode(parts[2]);
      if (signature.length != 64) {
        return Optional.empty();
      }
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(signature)) {
        return Optional.empty();
      }
      JsonNode claims = MAPPER.readTree(DEC.decode(parts[1]));
      return claims instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code token} looks like a JWT (three dot-separated parts), without verifying it. */
  public static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /** A key id derived from the public key, as upstream does (SHA-256 of the DER key). */
  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return ENC.encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(JsonNode node) {
    try {
      return ENC.encodeToString(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
