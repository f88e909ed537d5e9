package io.kuark.agent.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.image.BlobStore;
import io.kuark.agent.image.Digests;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageReference;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.image.Platform;
import io.kuark.agent.testing.DemoImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pulls from a real {@code docker-registry} on loopback (plain HTTP, as loopback registries are),
 * holding the demo image pushed with skopeo and an OCI index built over it.
 */
class RegistryPullIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path registryDir;
  private static Process registry;
  private static String host;
  private static String manifestDigest;

  private Path dir;
  private ImageStore store;
  private ImagePuller puller;

  @BeforeAll
  static void startRegistry() throws Exception {
    registryDir = Files.createTempDirectory("kuark-registry-it");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    host = "127.0.0.1:" + port;
    Path config = registryDir.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\nstorage: {filesystem: {rootdirectory: "
            + registryDir.resolve("data")
            + "}}\nhttp: {addr: "
            + host
            + "}\nlog: {level: error}\n");
    registry =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(registryDir.resolve("registry.log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; ; i++) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          break;
        }
      } catch (IOException e) {
        if (i > 200 || !registry.isAlive()) {
          throw new IOException("registry did not come up", e);
        }
      }
      Thread.sleep(50);
    }
    run(
        "skopeo",
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        "oci-archive:" + DemoImage.archive(),
        "docker://" + host + "/library/demo:1");
    HttpResponse<byte[]> manifest =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + "/v2/library/demo/manifests/1"))
                .header(
                    "Accept", RegistryClient.OCI_MANIFEST + ", " + RegistryClient.DOCKER_MANIFEST)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    manifestDigest = Digests.of(manifest.body());
    String mediaType = manifest.headers().firstValue("Content-Type").orElseThrow();
    // An index with this platform's entry after a foreign one: the puller must pick by platform.
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", RegistryClient.OCI_INDEX);
    for (String arch : List.of("s390x-not-this", Platform.architecture())) {
      ObjectNode entry = index.withArray("manifests").addObject();
      entry.put("mediaType", mediaType);
      entry.put("digest", manifestDigest);
      entry.put("size", manifest.body().length);
      entry.putObject("platform").put("os", "linux").put("architecture", arch);
    }
    int status =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + host + "/v2/library/demo/manifests/multi"))
                    .header("Content-Type", RegistryClient.OCI_INDEX)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(index)))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
    assertEquals(201, status);
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.destroy();
      registry.waitFor();
    }
    deleteTree(registryDir);
  }

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("kuark-pull-it");
    store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    puller = new ImagePuller(store, new RegistryClient(Set.of()), 3);
  }

  @AfterEach
  void tearDown() throws IOException {
    puller.close();
    deleteTree(dir);
  }

  @Test
  void pullsByTagVerifiesUnpacksAndRecords() throws Exception {
    ImageRecord image = puller.pull(ImageReference.parse(host + "/library/demo:1"), null);
    assertEquals(manifestDigest, image.manifestDigest());
    assertEquals(host + "/library/demo@" + manifestDigest, image.imageId());
    assertTrue(store.find(host + "/library/demo:1").isPresent());
    assertTrue(
        store.layerDirsTopFirst(image).stream()
            .anyMatch(d -> Files.isRegularFile(d.resolve("bin/busybox"))));
    assertTrue(store.config(image).toString().contains("httpd"), store.config(image).toString());
    // Pulling again is idempotent and fetches nothing new.
    assertEquals(image, puller.pull(ImageReference.parse(host + "/library/demo:1"), null));
  }

  @Test
  void pullsThroughAnIndexByPlatformAndByDigest() throws Exception {
    ImageRecord viaIndex = puller.pull(ImageReference.parse(host + "/library/demo:multi"), null);
    assertEquals(manifestDigest, viaIndex.manifestDigest());
    ImageRecord byDigest =
        puller.pull(ImageReference.parse(host + "/library/demo@" + manifestDigest), null);
    assertEquals(manifestDigest, byDigest.manifestDigest());
  }

  @Test
  void missingTagAndUnknownDigestCarryTheRegistryReason() {
    RegistryException tag =
        assertThrows(
            RegistryException.class,
            () -> puller.pull(ImageReference.parse(host + "/library/demo:nope"), null));
    assertEquals(404, tag.status());
    assertTrue(tag.getMessage().contains("MANIFEST_UNKNOWN"), tag.getMessage());
    String wrong = "sha256:" + "0".repeat(64);
    RegistryException digest =
        assertThrows(
            RegistryException.class,
            () -> puller.pull(ImageReference.parse(host + "/library/demo@" + wrong), null));
    assertTrue(digest.getMessage().contains("MANIFEST_UNKNOWN"), digest.getMessage());
    RegistryException repo =
        assertThrows(
            RegistryException.class,
            () -> puller.pull(ImageReference.parse(host + "/library/absent:1"), null));
    assertTrue(repo.getMessage().contains("UNKNOWN"), repo.getMessage());
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsDigestIsRejected() throws Exception {
    JsonNode manifest =
        JSON.readTree(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://" + host + "/v2/library/demo/manifests/1"))
                        .header("Accept", RegistryClient.OCI_MANIFEST)
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body());
    String layer = manifest.path("layers").path(0).path("digest").asText();
    String hex = Digests.hex(layer);
    Path data =
        registryDir.resolve(
            "data/docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    byte[] original = Files.readAllBytes(data);
    byte[] corrupt = original.clone();
    corrupt[corrupt.length / 2] ^= 0x5a;
    Files.write(data, corrupt);
    try {
      IOException e =
          assertThrows(
              IOException.class,
              () -> puller.pull(ImageReference.parse(host + "/library/demo:1"), null));
      assertTrue(e instanceof BlobStore.DigestMismatchException, e.toString());
      assertTrue(store.find(host + "/library/demo:1").isEmpty());
      assertTrue(!store.blobs().contains(layer));
    } finally {
      Files.write(data, original);
    }
  }

  @Test
  void pullPolicyAndBackOff() throws Exception {
    Instant now = Instant.parse("2026-11-27T08:00:00Z");
    ImageFetcher fetcher = new ImageFetcher(store, puller, Clock.fixed(now, ZoneOffset.UTC));
    String image = host + "/library/demo:1";
    ImageFetcher.FetchException never =
        assertThrows(
            ImageFetcher.FetchException.class, () -> fetcher.fetch(image, "Never", List.of()));
    assertEquals("ErrImageNeverPull", never.reason());
    ImageRecord pulled = fetcher.fetch(image, "IfNotPresent", List.of());
    assertEquals(pulled, fetcher.fetch(image, "Never", List.of()));

    String missing = host + "/library/demo:gone";
    ImageFetcher.FetchException first =
        assertThrows(
            ImageFetcher.FetchException.class, () -> fetcher.fetch(missing, null, List.of()));
    assertEquals("ErrImagePull", first.reason());
    assertTrue(first.getMessage().contains("MANIFEST_UNKNOWN"), first.getMessage());
    ImageFetcher.FetchException second =
        assertThrows(
            ImageFetcher.FetchException.class, () -> fetcher.fetch(missing, null, List.of()));
    assertEquals("ImagePullBackOff", second.reason());
    assertTrue(second.getMessage().contains("MANIFEST_UNKNOWN"), second.getMessage());

    // kuark.local images are never pulled, even with Always: no lookup of that name happens.
    ImageFetcher.FetchException local =
        assertThrows(
            ImageFetcher.FetchException.class,
            () -> fetcher.fetch("kuark.local/demo:latest", "Always", List.of()));
    assertEquals("ErrImagePull", local.reason());
    assertTrue(local.getMessage().contains("never pulled"), local.getMessage());

    ImageFetcher.FetchException invalid =
        assertThrows(
            ImageFetcher.FetchException.class, () -> fetcher.fetch("UPPER/Case", null, List.of()));
    assertEquals("InvalidImageName", invalid.reason());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
