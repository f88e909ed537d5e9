package io.kuark.server.api.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptingStorageTest {

  static final String KEY1 = Base64.getEncoder().encodeToString(new byte[32]);
  static final String KEY2 = Base64.getEncoder().encodeToString(filled(32, 7));
  static final byte[] SECRET =
      "{\"kind\":\"Secret\",\"data\":{\"p\":\"aHVudGVyMg==\"}}".getBytes(StandardCharsets.UTF_8);
  static final String KEY = "/registry/core/secrets/default/s";

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  static EncryptionConfig config(String providers) throws Exception {
    String yaml =
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets]\n  providers:\n"
            + providers;
    return EncryptionConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml));
  }

  static String provider(String kind, String name, String secret) {
    return "  - "
        + kind
        + ":\n      keys:\n      - name: "
        + name
        + "\n        secret: "
        + secret
        + "\n";
  }

  @Test
  void everyProviderRoundTripsAndPrefixesLikeUpstream(@TempDir Path dir) throws Exception {
    for (String kind : new String[] {"aescbc", "aesgcm", "secretbox"}) {
      try (SqliteStorage raw = SqliteStorage.open(dir.resolve(kind + ".db"))) {
        EncryptingStorage s =
            new EncryptingStorage(raw, config(provider(kind, "k1", KEY1) + "  - identity: {}\n"));
        s.create(KEY, SECRET);
        s.create("/registry/core/configmaps/default/c", SECRET);
        byte[] stored = raw.get(KEY).orElseThrow().value();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1))
            .startsWith("k8s:enc:" + kind + ":v1:k1:")
            .doesNotContain("aHVudGVyMg==");
        assertThat(s.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
        assertThat(s.list("/registry/core/secrets/", 0, null, 0).items().get(0).value())
            .isEqualTo(SECRET);
        // Resources the configuration does not name stay plaintext.
        assertThat(raw.get("/registry/core/configmaps/default/c").orElseThrow().value())
            .isEqualTo(SECRET);
      }
    }
  }

  @Test
  void tamperedOrForeignValuesDoNotDecrypt(@TempDir Path dir) throws Exception {
    try (SqliteStorage raw = SqliteStorage.open(dir.resolve("t.db"))) {
      EncryptingStorage s = new EncryptingStorage(raw, config(provider("aesgcm", "k1", KEY1)));
      s.create(KEY, SECRET);
      KeyValue kv = raw.get(KEY).orElseThrow();
      byte[] copy = kv.value().clone();
      copy[copy.length - 1] ^= 1;
      raw.update(KEY, copy, kv.modRevision());
      assertThatThrownBy(() -> s.get(KEY)).isInstanceOf(StorageException.Unavailable.class);
      // GCM authenticates the storage key: the same bytes under another name do not open.
      raw.create("/registry/core/secrets/default/other", kv.value());
      assertThatThrownBy(() -> s.get("/registry/core/secrets/default/other"))
          .isInstanceOf(StorageException.Unavailable.class);
    }
  }

  @Test
  void rotationRewritesEverySecretWithTheNewFirstKey(@TempDir Path dir) throws Exception {
    try (SqliteStorage raw = SqliteStorage.open(dir.resolve("r.db"))) {
      raw.create("/registry/core/secrets/default/plain", SECRET);
      EncryptionConfig first = config(provider("aescbc", "key1", KEY1) + "  - identity: {}\n");
      EncryptingStorage s1 = new EncryptingStorage(raw, first);
      assertThat(new SecretsRewriter(s1).run().rewritten()).isEqualTo(1);
      s1.create(KEY, SECRET);
      assertThat(new SecretsRewriter(s1).run().rewritten()).isZero();
      EncryptionConfig rotated =
          config(provider("secretbox", "key2", KEY2) + provider("aescbc", "key1", KEY1));
      EncryptingStorage s2 = new EncryptingStorage(raw, rotated);
      assertThat(s2.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
      assertThat(new SecretsRewriter(s2).run().rewritten()).isEqualTo(2);
      for (KeyValue kv : raw.list("/registry/core/secrets/", 0, null, 0).items()) {
        assertThat(new String(kv.value(), StandardCharsets.ISO_8859_1))
            .startsWith("k8s:enc:secretbox:v1:key2:");
      }
      EncryptingStorage onlyNew =
          new EncryptingStorage(raw, config(provider("secretbox", "key2", KEY2)));
      assertThat(onlyNew.get("/registry/core/secrets/default/plain").orElseThrow().value())
          .isEqualTo(SECRET);
      EncryptingStorage onlyOld =
          new EncryptingStorage(raw, config(provider("aescbc", "key1", KEY1)));
      assertThatThrownBy(() -> onlyOld.get(KEY)).isInstanceOf(StorageException.Unavailable.class);
    }
  }

  @Test
  void secretboxMatchesTheNaclTestVector() throws Exception {
    HexFormat hex = HexFormat.of();
    byte[] key = hex.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    byte[] nonce = hex.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    byte[] message =
        hex.parseHex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    SecretboxCipher c = new SecretboxCipher("k", key);
    byte[] sealed = c.encrypt(message, "");
    assertThat(c.decrypt(sealed, "")).isEqualTo(message);
    byte[] withNonce = c.seal(nonce, message);
    // NaCl's published authenticator for this key, nonce and message (secretbox test vector).
    assertThat(hex.formatHex(withNonce, 24, 40)).isEqualTo("f3ffc7703f9400e52a7dfb4b3d3305d9");
    assertThat(c.decrypt(withNonce, "")).isEqualTo(message);
  }

  @Test
  void invalidConfigurationsAreRefusedWithTheReason() {
    assertThatThrownBy(
            () -> config(provider("aescbc", "k", Base64.getEncoder().encodeToString(new byte[10]))))
        .hasMessageContaining("resources[0].providers[0].aescbc.keys[0].secret: Invalid value");
    assertThatThrownBy(() -> config("  - kms: {}\n"))
        .hasMessageContaining("unsupported provider kms");
  }

  @Test
  void readsTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("enc.yaml");
    Files.writeString(
        f,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets, \"*.apps\"]\n  providers:\n"
            + provider("aesgcm", "k1", KEY1));
    EncryptionConfig c = EncryptionConfig.read(f);
    assertThat(c.ruleFor("/registry/apps/deployments/ns/d")).isNotNull();
    assertThat(c.ruleFor("/registry/core/pods/ns/p")).isNull();
    assertThat(c.prefixes()).containsExactly("/registry/core/secrets/");
  }

  @Test
  void rotationPutsANewKeyFirstAndKeepsOldValuesReadable(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("enc.yaml");
    Files.writeString(
        f,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets]\n  providers:\n"
            + provider("aesgcm", "k1", KEY1)
            + "- resources: [configmaps]\n  providers:\n  - identity: {}\n");
    try (SqliteStorage raw = SqliteStorage.open(dir.resolve("k.db"))) {
      new EncryptingStorage(raw, EncryptionConfig.read(f)).create(KEY, SECRET);
      String name =
          KeyRotation.rotate(
              f,
              java.time.Clock.fixed(
                  java.time.Instant.parse("2026-11-27T10:00:00Z"), java.time.ZoneOffset.UTC));
      assertThat(name).isEqualTo("key-20261127T100000");
      assertThat(Files.getPosixFilePermissions(f))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      EncryptionConfig rotated = EncryptionConfig.read(f);
      EncryptingStorage s = new EncryptingStorage(raw, rotated);
      assertThat(s.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
      assertThat(new SecretsRewriter(s).run().rewritten()).isEqualTo(1);
      assertThat(new String(raw.get(KEY).orElseThrow().value(), StandardCharsets.ISO_8859_1))
          .startsWith("k8s:enc:aesgcm:v1:" + name + ":");
      // Where identity was first, rotation turns encryption on with a new aescbc key.
      s.create("/registry/core/configmaps/default/c", SECRET);
      assertThat(
              new String(
                  raw.get("/registry/core/configmaps/default/c").orElseThrow().value(),
                  StandardCharsets.ISO_8859_1))
          .startsWith("k8s:enc:aescbc:v1:" + name + ":");
    }
  }

  @Test
  void withoutIdentityAnUnencryptedValueIsAnErrorNotPlaintext(@TempDir Path dir) throws Exception {
    try (SqliteStorage raw = SqliteStorage.open(dir.resolve("i.db"))) {
      raw.create(KEY, SECRET);
      EncryptingStorage s = new EncryptingStorage(raw, config(provider("aescbc", "k1", KEY1)));
      assertThatThrownBy(() -> s.get(KEY))
          .isInstanceOf(StorageException.Unavailable.class)
          .hasMessageContaining("no matching prefix found");
      assertThatThrownBy(() -> s.list("/registry/core/secrets/", 0, null, 0))
          .isInstanceOf(StorageException.Unavailable.class);
      // The rewrite cannot read it either: it is counted, left alone, and nothing is invented.
      SecretsRewriter.Result r = new SecretsRewriter(s).run();
      assertThat(r.unreadable()).isEqualTo(1);
      assertThat(r.rewritten()).isZero();
      assertThat(raw.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
      // With identity listed (last) the same value reads and is then rewritten encrypted.
      EncryptingStorage withIdentity =
          new EncryptingStorage(raw, config(provider("aescbc", "k1", KEY1) + "  - identity: {}\n"));
      assertThat(withIdentity.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
      assertThat(new SecretsRewriter(withIdentity).run().rewritten()).isEqualTo(1);
      assertThat(s.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
    }
  }

  @Test
  void aChangedFileIsReloadedAndEverythingRewrittenWithoutRestart(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("enc.yaml");
    String header =
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets]\n  providers:\n";
    Files.writeString(f, header + provider("aescbc", "key1", KEY1));
    try (SqliteStorage raw = SqliteStorage.open(dir.resolve("w.db"))) {
      EncryptingStorage s = new EncryptingStorage(raw, EncryptionConfig.read(f));
      EncryptionReload watched = new EncryptionReload(s, f);
      for (int i = 0; i < 7; i++) {
        s.create("/registry/core/secrets/ns" + (i % 2) + "/s" + i, SECRET);
      }
      watched.reloadIfChanged(); // unchanged file: nothing happens
      assertThat(
              s.config()
                  .rules()
                  .get(0)
                  .ciphers()
                  .get(0)
                  .wrote(raw.get("/registry/core/secrets/ns0/s0").orElseThrow().value()))
          .isTrue();
      // Upstream's order: the new key goes first, the old one stays readable behind it.
      Files.writeString(
          f, header + provider("secretbox", "key2", KEY2) + provider("aescbc", "key1", KEY1));
      watched.reloadIfChanged();
      for (KeyValue kv : raw.list("/registry/core/secrets/", 0, null, 0).items()) {
        assertThat(new String(kv.value(), StandardCharsets.ISO_8859_1))
            .startsWith("k8s:enc:secretbox:v1:key2:");
      }
      // New writes use the new key at once.
      s.create(KEY, SECRET);
      assertThat(new String(raw.get(KEY).orElseThrow().value(), StandardCharsets.ISO_8859_1))
          .startsWith("k8s:enc:secretbox:v1:key2:");
      // A broken edit changes nothing; the old key can then be dropped.
      Files.writeString(f, header + "  - kms: {}\n");
      watched.reloadIfChanged();
      assertThat(s.get(KEY).orElseThrow().value()).isEqualTo(SECRET);
      Files.writeString(f, header + provider("secretbox", "key2", KEY2));
      assertThat(watched.reload().rewritten()).isZero();
      assertThat(s.get("/registry/core/secrets/ns1/s5").orElseThrow().value()).isEqualTo(SECRET);
    }
  }
}
