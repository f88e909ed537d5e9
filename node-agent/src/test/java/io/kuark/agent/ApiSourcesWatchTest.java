package io.kuark.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.testing.MockApi;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ConfigMaps and Secrets for pods come from a watch of each object: read once, then kept current by
 * the watch, with no request per read.
 */
class ApiSourcesWatchTest {

  private MockApi api;
  private KubernetesClient client;
  private ApiSources sources;

  @BeforeEach
  void setUp() {
    api = new MockApi();
    client = api.client();
    sources = new ApiSources(client, Map::of);
  }

  @AfterEach
  void tearDown() {
    sources.close();
    api.close();
  }

  private void putConfigMap(String value) {
    client
        .configMaps()
        .inNamespace("ns")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("kube-root-ca.crt")
                .endMetadata()
                .withData(Map.of("ca.crt", value))
                .build())
        .createOr(existing -> existing.update());
  }

  /** Polls until {@code read} returns {@code expected} (the watch delivers asynchronously). */
  private static <T> void eventually(Supplier<T> read, T expected) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!expected.equals(read.get()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(read.get()).isEqualTo(expected);
  }

  @Test
  void aConfigMapIsReadOnceAndThenServedFromItsWatch() throws Exception {
    putConfigMap("one");

    assertThat(sources.configMap("ns", "kube-root-ca.crt")).contains(Map.of("ca.crt", "one"));
    int requests = api.requestCount();
    for (int i = 0; i < 10; i++) {
      assertThat(sources.configMap("ns", "kube-root-ca.crt")).contains(Map.of("ca.crt", "one"));
    }

    assertThat(api.requestCount()).isEqualTo(requests);
    assertThat(sources.watchedConfigMaps()).containsExactly("ns/kube-root-ca.crt");
  }

  @Test
  void updatesCreationsAndDeletionsReachLaterReads() throws Exception {
    assertThat(sources.configMap("ns", "kube-root-ca.crt")).isEmpty();

    putConfigMap("one");
    eventually(
        () -> sources.configMap("ns", "kube-root-ca.crt"), Optional.of(Map.of("ca.crt", "one")));

    putConfigMap("two");
    eventually(
        () -> sources.configMap("ns", "kube-root-ca.crt"), Optional.of(Map.of("ca.crt", "two")));

    client.configMaps().inNamespace("ns").withName("kube-root-ca.crt").delete();
    eventually(() -> sources.configMap("ns", "kube-root-ca.crt"), Optional.empty());
  }

  @Test
  void eachObjectHasItsOwnWatchAndSecretsAreWatchedToo() throws Exception {
    putConfigMap("one");
    client
        .secrets()
        .inNamespace("ns")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("creds")
                .endMetadata()
                .withStringData(Map.of("user", "me"))
                .build())
        .create();

    assertThat(sources.configMap("ns", "other")).isEmpty();
    assertThat(sources.configMap("ns", "kube-root-ca.crt")).contains(Map.of("ca.crt", "one"));
    assertThat(sources.secret("ns", "missing")).isEmpty();
    Optional<Map<String, String>> secret = sources.secret("ns", "creds");
    int requests = api.requestCount();

    assertThat(sources.secret("ns", "creds")).isEqualTo(secret);
    assertThat(api.requestCount()).isEqualTo(requests);
    assertThat(secret).isPresent();
    assertThat(secret.get()).containsEntry("user", "me");
  }

  @Test
  void binaryValuesReachVolumeFilesByteForByte() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    String b64 = java.util.Base64.getEncoder().encodeToString(all);
    client
        .secrets()
        .inNamespace("ns")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("keystore")
                .endMetadata()
                .withData(Map.of("store.p12", b64))
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("ns")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("blobs")
                .endMetadata()
                .withData(Map.of("text", "h\u00e9llo"))
                .withBinaryData(Map.of("blob", b64))
                .build())
        .create();

    assertThat(sources.secretFiles("ns", "keystore").orElseThrow().get("store.p12")).isEqualTo(all);
    Map<String, byte[]> files = sources.configMapFiles("ns", "blobs").orElseThrow();
    assertThat(files.get("blob")).isEqualTo(all);
    assertThat(files.get("text"))
        .isEqualTo("h\u00e9llo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(sources.secretFiles("ns", "missing")).isEmpty();
  }
}
