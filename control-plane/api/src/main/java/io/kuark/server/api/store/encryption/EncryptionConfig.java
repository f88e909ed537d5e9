package io.kuark.server.api.store.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An upstream {@code EncryptionConfiguration} ({@code apiserver.config.k8s.io/v1}, file of {@code
 * --encryption-provider-config}): per group of resources, providers in order ({@code aescbc},
 * {@code aesgcm}, {@code secretbox}, {@code identity}). The first provider's first key writes;
 * every listed key reads.
 */
public final class EncryptionConfig {

  /** One {@code resources} entry: which resources, and their providers' keys in order. */
  record Rule(
      List<String> resources,
      List<ValueCipher> ciphers,
      boolean identityFirst,
      boolean identityListed) {}

  private final List<Rule> rules;
  private final Path source;

  private EncryptionConfig(List<Rule> rules, Path source) {
    this.rules = rules;
    this.source = source;
  }

  /** The file it was read from (what a reload reads again), or null when parsed from memory. */
  public Path source() {
    return source;
  }

  List<Rule> rules() {
    return rules;
  }

  /**
   * Reads and checks the file.
   *
   * @throws IllegalArgumentException with the reason for a file that is not a valid configuration
   */
  public static EncryptionConfig read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(root, file);
  }

  static EncryptionConfig parse(JsonNode root) {
    return parse(root, null);
  }

  private static EncryptionConfig parse(JsonNode root, Path source) {
    if (root == null || !"EncryptionConfiguration".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException("kind must be EncryptionConfiguration");
    }
    String apiVersion = root.path("apiVersion").asText();
    if (!apiVersion.equals("apiserver.config.k8s.io/v1")
        && !apiVersion.equals("apiserver.config.k8s.io/v1beta1")) {
      throw new IllegalArgumentException("apiVersion must be apiserver.config.k8s.io/v1");
    }
    List<Rule> rules = new ArrayList<>();
    int i = 0;
    for (JsonNode entry : root.path("resources")) {
      String at = "resources[" + i++ + "]";
      List<String> resources = new ArrayList<>();
      entry.path("resources").forEach(r -> resources.add(r.asText()));
      if (resources.isEmpty()) {
        throw new IllegalArgumentException(at + ".resources: Required value");
      }
      List<ValueCipher> ciphers = new ArrayList<>();
      boolean identityFirst = false;
      boolean identity = false;
      int p = 0;
      for (JsonNode provider : entry.path("providers")) {
        String pat = at + ".providers[" + p + "]";
        if (provider.size() != 1) {
          throw new IllegalArgumentException(pat + ": exactly one provider must be specified");
        }
        Map.Entry<String, JsonNode> kind = provider.fields().next();
        switch (kind.getKey()) {
          case "identity":
            identity = true;
            identityFirst |= p == 0;
            break;
          case "aescbc":
          case "aesgcm":
          case "secretbox":
            ciphers.addAll(keys(kind.getKey(), kind.getValue(), pat + "." + kind.getKey()));
            break;
          default:
            throw new IllegalArgumentException(
                pat
                    + ": unsupported provider "
                    + kind.getKey()
                    + " (aescbc, aesgcm, secretbox, identity)");
        }
        p++;
      }
      if (p == 0) {
        throw new IllegalArgumentException(at + ".providers: Required value");
      }
      rules.add(new Rule(resources, ciphers, identityFirst, identity));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("resources: Required value");
    }
    return new EncryptionConfig(rules, source);
  }

  private static List<ValueCipher> keys(String provider, JsonNode config, String at) {
    List<ValueCipher> out = new ArrayList<>();
    Iterator<JsonNode> keys = config.path("keys").elements();
    int k = 0;
    while (keys.hasNext()) {
      JsonNode key = keys.next();
      String kat = at + ".keys[" + k++ + "]";
      String name = key.path("name").asText("");
      if (name.isEmpty()) {
        throw new IllegalArgumentException(kat + ".name: Required value");
      }
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(key.path("secret").asText(""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            kat + ".secret: Invalid value: secrets must be base64 encoded");
      }
      boolean secretbox = provider.equals("secretbox");
      boolean validLength =
          secretbox
              ? secret.length == 32
              : secret.length == 16 || secret.length == 24 || secret.length == 32;
      if (!validLength) {
        throw new IllegalArgumentException(
            kat
                + ".secret: Invalid value: "
                + (secretbox
                    ? "secret is not of the expected length, got "
                    : "secret is not of the expected length, got ")
                + secret.length
                + ", expected "
                + (secretbox ? "32" : "one of [16 24 32]"));
      }
      switch (provider) {
        case "aescbc":
          out.add(new AesCbcCipher(name, secret));
          break;
        case "aesgcm":
          out.add(new AesGcmCipher(name, secret));
          break;
        default:
          out.add(new SecretboxCipher(name, secret));
          break;
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(at + ".keys: Required value");
    }
    return out;
  }

  /**
   * The rule for a storage key ({@code /registry/<group or core>/<plural>/...}), or null. Resource
   * names as upstream: {@code secrets}, {@code deployments.apps}, {@code *.apps}, {@code *.}
   * (core), {@code *.*}.
   */
  Rule ruleFor(String storageKey) {
    String[] parts = storageKey.split("/", 5);
    if (parts.length < 4 || !parts[1].equals("registry")) {
      return null;
    }
    String group = parts[2].equals("core") ? "" : parts[2];
    String plural = parts[3];
    String qualified = group.isEmpty() ? plural : plural + "." + group;
    for (Rule r : rules) {
      for (String res : r.resources()) {
        if (res.equals(qualified) || res.equals("*.*") || res.equals("*." + group)) {
          return r;
        }
      }
    }
    return null;
  }

  /** Storage prefixes of the named (not wildcard) resources, for the rewrite at start. */
  List<String> prefixes() {
    List<String> out = new ArrayList<>();
    for (Rule r : rules) {
      for (String res : r.resources()) {
        if (res.startsWith("*")) {
          continue;
        }
        int dot = res.indexOf('.');
        String plural = dot < 0 ? res : res.substring(0, dot);
        String group = dot < 0 ? "core" : res.substring(dot + 1);
        out.add("/registry/" + group + "/" + plural + "/");
      }
    }
    return out;
  }
}
