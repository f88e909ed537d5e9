package io.kuark.server.api;

import static io.kuark.server.api.QuotaAdmissionIT.json;
import static io.kuark.server.api.QuotaAdmissionIT.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.store.encryption.EncryptingStorage;
import io.kuark.server.api.store.encryption.EncryptionConfig;
import io.kuark.server.api.store.encryption.KeyRotation;
import io.kuark.server.api.system.EncryptionReloadEndpoint;
import io.kuark.server.storage.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets encryption at rest through the whole API server: the SQLite files on disk hold no
 * plaintext secret data, the raw stored value carries upstream's prefix, and clients read the
 * plaintext back.
 */
class EncryptionAtRestIT {

  static final String MARKER = "correct-horse-battery-staple";

  @Test
  void theStoreHoldsNoPlaintextSecretData() throws Exception {
    Path config = Files.createTempFile("encryption", ".yaml");
    EncryptingStorage[] encrypted = new EncryptingStorage[1];
    try {
      Files.writeString(
          config,
          "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
              + "- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n"
              + "      - name: key1\n        secret: "
              + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes())
              + "\n  - identity: {}\n");
      EncryptionConfig enc = EncryptionConfig.read(config);
      try (TestApiServer api =
          new TestApiServer(
              s -> {
                encrypted[0] = new EncryptingStorage(s, enc);
                return encrypted[0];
              })) {
        RawClient admin = new RawClient(api, true);
        ok(
            admin.post(
                "/api/v1/namespaces/default/secrets",
                "{\"metadata\":{\"name\":\"db\"},\"stringData\":{\"password\":\""
                    + MARKER
                    + "\"}}"));
        ok(
            admin.post(
                "/api/v1/namespaces/default/configmaps",
                "{\"metadata\":{\"name\":\"plain\"},\"data\":{\"note\":\"visible-"
                    + MARKER
                    + "\"}}"));
        JsonNode read = json(admin.get("/api/v1/namespaces/default/secrets/db"));
        assertThat(
                new String(
                    Base64.getDecoder().decode(read.at("/data/password").asText()),
                    StandardCharsets.UTF_8))
            .isEqualTo(MARKER);
        KeyValue raw = encrypted[0].inner().get("/registry/core/secrets/default/db").orElseThrow();
        assertThat(new String(raw.value(), StandardCharsets.ISO_8859_1))
            .startsWith("k8s:enc:aescbc:v1:key1:");
        String onDisk = diskContents(api.dir);
        String base64 = Base64.getEncoder().encodeToString(MARKER.getBytes(StandardCharsets.UTF_8));
        // The configmap is not encrypted: it proves the files were read where data lands.
        assertThat(onDisk).contains("visible-" + MARKER);
        assertThat(onDisk).doesNotContain(base64).doesNotContain("\"password\"");
        assertThat(onDisk.replace("visible-" + MARKER, "")).doesNotContain(MARKER);
      }
    } finally {
      Files.deleteIfExists(config);
    }
  }

  /**
   * Upstream's rotation (new key first, then rewrite every secret, then drop the old key) on a
   * running server: the admin endpoint reloads the file and rewrites; the raw store then holds no
   * value under the old key, and only cluster admins may trigger it.
   */
  @Test
  void rotationRewritesEverySecretOnlineAndTheOldKeyCanBeDropped() throws Exception {
    Path config = Files.createTempFile("encryption", ".yaml");
    EncryptingStorage[] encrypted = new EncryptingStorage[1];
    try {
      String header =
          "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
              + "- resources: [secrets]\n  providers:\n";
      Files.writeString(config, header + aescbc("key1", "0123456789abcdef0123456789abcdef"));
      EncryptionConfig enc = EncryptionConfig.read(config);
      try (TestApiServer api =
          new TestApiServer(
              s -> {
                encrypted[0] = new EncryptingStorage(s, enc);
                return encrypted[0];
              })) {
        RawClient admin = new RawClient(api, true);
        ok(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}"));
        for (int i = 0; i < 5; i++) {
          String ns = i % 2 == 0 ? "default" : "team";
          ok(
              admin.post(
                  "/api/v1/namespaces/" + ns + "/secrets",
                  "{\"metadata\":{\"name\":\"s"
                      + i
                      + "\"},\"stringData\":{\"v\":\""
                      + MARKER
                      + i
                      + "\"}}"));
        }
        int stored = rawSecrets(encrypted[0], "k8s:enc:aescbc:v1:key1:");
        assertThat(stored).isGreaterThanOrEqualTo(5);

        // Only cluster admins: a user without the non-resource permission gets 403.
        HttpResponse<String> denied =
            asUser(api, "jane")
                .send(
                    post(api, EncryptionReloadEndpoint.PATH, "jane"),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);

        // Step 1: the new key goes first, the old one stays listed behind it; reload online.
        String rotated = KeyRotation.rotate(config, Clock.systemUTC());
        HttpResponse<String> reloaded = admin.post(EncryptionReloadEndpoint.PATH, null);
        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(json(reloaded).at("/details/rewritten").asInt()).isEqualTo(stored);
        assertThat(rawSecrets(encrypted[0], "k8s:enc:aescbc:v1:key1:")).isZero();
        assertThat(rawSecrets(encrypted[0], "k8s:enc:aescbc:v1:" + rotated + ":"))
            .isEqualTo(stored);

        // Step 2: drop the old key; everything still reads, nothing needed rewriting.
        String newKey = Files.readString(config);
        Files.writeString(config, onlyFirstKey(newKey));
        HttpResponse<String> again = admin.post(EncryptionReloadEndpoint.PATH, null);
        assertThat(json(again).at("/details/rewritten").asInt()).isZero();
        assertThat(json(again).at("/details/unreadable").asInt()).isZero();
        for (int i = 0; i < 5; i++) {
          String ns = i % 2 == 0 ? "default" : "team";
          JsonNode read = json(admin.get("/api/v1/namespaces/" + ns + "/secrets/s" + i));
          assertThat(
                  new String(
                      Base64.getDecoder().decode(read.at("/data/v").asText()),
                      StandardCharsets.UTF_8))
              .isEqualTo(MARKER + i);
        }
        assertThat(diskContents(api.dir)).doesNotContain(MARKER);

        // A broken file is refused with the reason and the running keys stay.
        Files.writeString(config, header + "  - kms: {}\n");
        HttpResponse<String> bad = admin.post(EncryptionReloadEndpoint.PATH, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("message").asText()).contains("unsupported provider kms");
        ok(admin.get("/api/v1/namespaces/default/secrets/s0"));
      }
    } finally {
      Files.deleteIfExists(config);
    }
  }

  static String aescbc(String name, String secret) {
    return "  - aescbc:\n      keys:\n      - name: "
        + name
        + "\n        secret: "
        + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8))
        + "\n";
  }

  /** The file with every provider key but the first of the first provider removed. */
  static String onlyFirstKey(String yaml) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper m =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(yaml);
    com.fasterxml.jackson.databind.node.ArrayNode providers =
        (com.fasterxml.jackson.databind.node.ArrayNode) root.at("/resources/0/providers");
    while (providers.size() > 1) {
      providers.remove(1);
    }
    com.fasterxml.jackson.databind.node.ArrayNode keys =
        (com.fasterxml.jackson.databind.node.ArrayNode)
            providers.get(0).elements().next().path("keys");
    while (keys.size() > 1) {
      keys.remove(1);
    }
    return m.writeValueAsString(root);
  }

  /** How many raw stored secrets start with {@code prefix}. */
  static int rawSecrets(EncryptingStorage storage, String prefix) {
    int n = 0;
    for (KeyValue kv : storage.inner().list("/registry/core/secrets/", 0, null, 0).items()) {
      if (new String(kv.value(), StandardCharsets.ISO_8859_1).startsWith(prefix)) {
        n++;
      }
    }
    return n;
  }

  static HttpClient asUser(TestApiServer api, String user) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(RawClient.sslContext(api.pki, true))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** A POST as the admin impersonating {@code user}. */
  static HttpRequest post(TestApiServer api, String path, String user) {
    return HttpRequest.newBuilder(URI.create(api.url() + path))
        .header("Impersonate-User", user)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
  }

  /** Every byte of the SQLite database files (main file and write-ahead log). */
  static String diskContents(Path dir) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith("state.db")) {
          all.write(Files.readAllBytes(f));
        }
      }
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }
}
