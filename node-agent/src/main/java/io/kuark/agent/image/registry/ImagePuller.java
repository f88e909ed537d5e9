package io.kuark.agent.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.image.Digests;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageReference;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.image.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Pulls an image from its registry into the {@link ImageStore}: the manifest (through an index or
 * manifest list to this platform's entry), the config and the layers, downloading layers in
 * parallel. Every manifest and blob is verified against its digest before it is used; blobs and
 * layers already in the store are not fetched again.
 */
public final class ImagePuller implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ImagePuller.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ImageStore store;
  private final RegistryClient client;
  private final ExecutorService downloads;

  /**
   * @param parallelLayers how many layers download (and unpack) at once
   */
  public ImagePuller(ImageStore store, RegistryClient client, int parallelLayers) {
    this.store = store;
    this.client = client;
    this.downloads =
        Executors.newFixedThreadPool(
            parallelLayers,
            r -> {
              Thread t = new Thread(r, "image-pull");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Pulls {@code reference}.
   *
   * @param credentials from a matching pull secret, or null for anonymous access
   * @throws RegistryException with the registry's reason when it refuses or the content is wrong
   */
  public ImageRecord pull(ImageReference reference, Credentials credentials) throws IOException {
    RegistryClient.Session session =
        client.session(reference.registry(), reference.repository(), credentials);
    String wanted = reference.digest() != null ? reference.digest() : reference.tag();
    RegistryClient.Manifest manifest = session.manifest(wanted);
    String digest = verified(manifest, reference.digest());
    if (isIndex(manifest.mediaType())) {
      String child = platformEntry(manifest, reference);
      manifest = session.manifest(child);
      digest = verified(manifest, child);
    } else if (!isManifest(manifest.mediaType())) {
      throw new RegistryException(
          0, "unsupported manifest media type \"" + manifest.mediaType() + "\"");
    }
    store.blobs().put(manifest.bytes());
    JsonNode json = JSON.readTree(manifest.bytes());
    String configDigest = json.path("config").path("digest").asText();
    fetch(session, configDigest);
    List<String> diffIds = new ArrayList<>();
    for (JsonNode diffId :
        JSON.readTree(store.blobs().read(configDigest)).path("rootfs").path("diff_ids")) {
      diffIds.add(diffId.asText());
    }
    JsonNode layers = json.path("layers");
    if (layers.size() != diffIds.size()) {
      throw new RegistryException(
          0, "manifest " + digest + " has " + layers.size() + " layers, config " + diffIds.size());
    }
    List<Future<?>> pending = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      String blob = layers.get(i).path("digest").asText();
      String diffId = diffIds.get(i);
      if (Files.isDirectory(store.layerDir(diffId))) {
        continue;
      }
      pending.add(
          downloads.submit(
              () -> {
                fetch(session, blob);
                store.ensureLayer(blob, diffId);
                return null;
              }));
    }
    awaitAll(pending);
    List<String> tags = reference.tag() != null ? List.of(reference.toString()) : List.of();
    ImageRecord record =
        store.record(new ImageRecord(tags, reference.name(), digest, configDigest, diffIds));
    LOG.infof("pulled %s (%s)", reference, digest);
    return record;
  }

  private void fetch(RegistryClient.Session session, String digest) throws IOException {
    BlobDownload.fetch(session, store.blobs(), digest);
  }

  /** The manifest's digest, checked against what was asked for and what the registry claims. */
  private static String verified(RegistryClient.Manifest manifest, String expected)
      throws RegistryException {
    String actual = Digests.of(manifest.bytes());
    if (expected != null && !expected.equals(actual)) {
      throw new RegistryException(
          0, "manifest digest mismatch: asked for " + expected + ", content is " + actual);
    }
    if (manifest.digestHeader() != null
        && manifest.digestHeader().startsWith("sha256:")
        && !manifest.digestHeader().equals(actual)) {
      throw new RegistryException(
          0,
          "manifest digest mismatch: registry says "
              + manifest.digestHeader()
              + ", content is "
              + actual);
    }
    return actual;
  }

  private static String platformEntry(RegistryClient.Manifest index, ImageReference reference)
      throws IOException {
    for (JsonNode entry : JSON.readTree(index.bytes()).path("manifests")) {
      if (Platform.matches(entry.path("platform"))) {
        return entry.path("digest").asText();
      }
    }
    throw new RegistryException(
        0, "no matching manifest for linux/" + Platform.architecture() + " in " + reference);
  }

  private static boolean isIndex(String mediaType) {
    return mediaType.equals(RegistryClient.OCI_INDEX)
        || mediaType.equals(RegistryClient.DOCKER_LIST);
  }

  private static boolean isManifest(String mediaType) {
    return mediaType.equals(RegistryClient.OCI_MANIFEST)
        || mediaType.equals(RegistryClient.DOCKER_MANIFEST);
  }

  private static void awaitAll(List<Future<?>> pending) throws IOException {
    IOException failure = null;
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof IOException io
                  ? io
                  : new IOException(e.getCause().getMessage(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    downloads.shutdownNow();
  }
}
