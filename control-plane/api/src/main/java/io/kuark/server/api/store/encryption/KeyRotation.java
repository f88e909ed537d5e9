package io.kuark.server.api.store.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * {@code kuark secrets-encrypt rotate}: puts a fresh 32-byte key first in every resources entry of
 * an EncryptionConfiguration file (same provider as the current first one; aescbc where identity
 * was first), keeping the older keys after it so existing values stay readable. The server, at its
 * next start, rewrites every stored value with the new key ({@link SecretsRewriter}); the old keys
 * can then be removed. The file is replaced atomically and stays readable by its owner only.
 */
public final class KeyRotation {

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyRotation() {}

  /** Rotates the file's keys; returns the new key's name. */
  public static String rotate(Path file, Clock clock) {
    EncryptionConfig.read(file); // refuses an invalid file before touching it
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode root;
    try {
      root = (ObjectNode) yaml.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name =
        "key-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .format(clock.instant().atZone(java.time.ZoneOffset.UTC));
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    for (JsonNode entry : root.path("resources")) {
      ArrayNode providers = (ArrayNode) entry.path("providers");
      JsonNode first = providers.get(0);
      String kind = first.fieldNames().next();
      ObjectNode key = yaml.createObjectNode();
      key.put("name", name);
      key.put("secret", Base64.getEncoder().encodeToString(secret));
      if (kind.equals("identity")) {
        ObjectNode aescbc = yaml.createObjectNode();
        aescbc.putObject("aescbc").putArray("keys").add(key);
        providers.insert(0, aescbc);
      } else {
        ((ArrayNode) first.path(kind).path("keys")).insert(0, key);
      }
    }
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".encryption", ".tmp");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(tmp, yaml.writeValueAsString(root));
      EncryptionConfig.read(tmp);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return name;
  }
}
