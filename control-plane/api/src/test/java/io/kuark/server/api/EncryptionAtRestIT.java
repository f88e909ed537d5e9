package io.kuark.server.api;

import static io.kuark.server.api.QuotaAdmissionIT.json;
import static io.kuark.server.api.QuotaAdmissionIT.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.store.encryption.EncryptingStorage;
import io.kuark.server.api.store.encryption.EncryptionConfig;
import io.kuark.server.storage.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
