package io.kuark.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.jboss.logging.Logger;

/**
 * Imports air-gap image archives into an {@link ImageStore}: OCI archives (a tar of an OCI image
 * layout, {@code index.json}) and docker archives ({@code manifest.json} with {@code RepoTags}, as
 * {@code docker save} and {@code skopeo copy … docker-archive:} write them). Every blob is verified
 * against its digest and every layer against the diffID in the image configuration.
 *
 * <p>Naming: an OCI index entry is named by its {@code io.containerd.image.name} annotation, else
 * by {@code org.opencontainers.image.ref.name}. That annotation may hold a full reference ({@code
 * registry.example/team/app:1.2}, as skopeo and containerd write it) or, as the OCI spec shows, a
 * bare tag; a bare tag is combined with the archive's file name ({@code app.tar} + {@code 1.2} →
 * {@code docker.io/library/app:1.2}).
 */
public final class ArchiveImporter {

  private static final Logger LOG = Logger.getLogger(ArchiveImporter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String CONTAINERD_NAME = "io.containerd.image.name";

  private final ImageStore store;
  private final Path scratchDir;

  /**
   * @param scratchDir where archives are unpacked temporarily (best on the store's filesystem)
   */
  public ArchiveImporter(ImageStore store, Path scratchDir) {
    this.store = store;
    this.scratchDir = scratchDir;
  }

  /**
   * Imports every {@code *.tar}, {@code *.tar.gz} and {@code *.tgz} file in {@code dropDir} that
   * was not imported before in the same version (a stamp per archive next to the scratch dir). An
   * archive that fails is logged and skipped so one bad file cannot stop the node.
   *
   * @return the images imported
   */
  public List<ImageRecord> importDirectory(Path dropDir) throws IOException {
    List<ImageRecord> imported = new ArrayList<>();
    if (!Files.isDirectory(dropDir)) {
      return imported;
    }
    List<Path> archives;
    try (Stream<Path> list = Files.list(dropDir)) {
      archives =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".tar")
                        || name.endsWith(".tar.gz")
                        || name.endsWith(".tgz");
                  })
              .sorted()
              .toList();
    }
    Path stamps = scratchDir.resolveSibling("imported");
    Files.createDirectories(stamps);
    for (Path archive : archives) {
      // An archive imported before (same name, size and mtime) is skipped: restarts stay fast.
      Path stamp = stamps.resolve(archive.getFileName() + ".stamp");
      String identity = Files.size(archive) + " " + Files.getLastModifiedTime(archive).toMillis();
      if (Files.exists(stamp) && Files.readString(stamp).equals(identity)) {
        continue;
      }
      try {
        List<ImageRecord> images = importArchive(archive);
        Files.writeString(stamp, identity);
        for (ImageRecord image : images) {
          LOG.infof("imported %s from %s as %s", image.references(), archive, image.imageId());
        }
        imported.addAll(images);
      } catch (IOException | RuntimeException e) {
        LOG.errorf(e, "cannot import image archive %s", archive);
      }
    }
    return imported;
  }

  /** Imports one archive and returns the images it held. */
  public List<ImageRecord> importArchive(Path archive) throws IOException {
    Files.createDirectories(scratchDir);
    Path dir = Files.createTempDirectory(scratchDir, "import-");
    try {
      extract(archive, dir);
      String baseName = baseName(archive);
      if (Files.isRegularFile(dir.resolve("index.json"))) {
        return importOciLayout(dir, baseName);
      }
      if (Files.isRegularFile(dir.resolve("manifest.json"))) {
        return importDockerArchive(dir);
      }
      throw new IOException(
          "neither an OCI archive (index.json) nor a docker archive (manifest.json)");
    } finally {
      io.kuark.agent.fs.FileTrees.delete(dir);
    }
  }

  private List<ImageRecord> importOciLayout(Path layout, String baseName) throws IOException {
    // Every blob of the layout goes into the store, verified against the digest in its file name.
    Path blobRoot = layout.resolve("blobs").resolve("sha256");
    if (Files.isDirectory(blobRoot)) {
      try (Stream<Path> list = Files.list(blobRoot)) {
        for (Path blob : list.toList()) {
          try (InputStream in = Files.newInputStream(blob)) {
            store.blobs().put(in, "sha256:" + blob.getFileName());
          }
        }
      }
    }
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    List<ImageRecord> images = new ArrayList<>();
    for (JsonNode descriptor : index.path("manifests")) {
      String name = descriptor.path("annotations").path(CONTAINERD_NAME).asText(null);
      if (name == null) {
        String refName = descriptor.path("annotations").path(REF_NAME).asText(null);
        name = referenceFromRefName(refName, baseName);
      }
      ImageReference reference = name == null ? null : ImageReference.parse(name);
      String manifestDigest = resolveManifest(descriptor);
      if (manifestDigest == null) {
        LOG.warnf("no manifest for this platform in %s", descriptor);
        continue;
      }
      String repository =
          reference != null ? reference.name() : ImageReference.parse(baseName).name();
      images.add(importManifest(manifestDigest, reference, repository));
    }
    return images;
  }

  /**
   * Turns an OCI {@code ref.name} annotation into an image reference: a full reference stays as it
   * is, a bare tag is attached to {@code baseName}.
   */
  static String referenceFromRefName(String refName, String baseName) {
    if (refName == null || refName.isBlank()) {
      return null;
    }
    if (refName.contains("/") || refName.contains(":") || refName.contains("@")) {
      return refName;
    }
    return baseName + ":" + refName;
  }

  /** Follows index entries down to the manifest for this platform; null if there is none. */
  private String resolveManifest(JsonNode descriptor) throws IOException {
    String mediaType = descriptor.path("mediaType").asText("");
    String digest = descriptor.path("digest").asText();
    if (!mediaType.equals(OCI_INDEX) && !mediaType.equals(DOCKER_LIST)) {
      return digest;
    }
    JsonNode nested = JSON.readTree(store.blobs().read(digest));
    for (JsonNode child : nested.path("manifests")) {
      if (Platform.matches(child.path("platform"))) {
        return resolveManifest(child);
      }
    }
    return null;
  }

  private ImageRecord importManifest(
      String manifestDigest, ImageReference reference, String repository) throws IOException {
    JsonNode manifest = JSON.readTree(store.blobs().read(manifestDigest));
    String configDigest = manifest.path("config").path("digest").asText();
    JsonNode config = JSON.readTree(store.blobs().read(configDigest));
    List<String> diffIds = diffIds(config);
    JsonNode layers = manifest.path("layers");
    if (layers.size() != diffIds.size()) {
      throw new ImageStore.CorruptImageException(
          "manifest "
              + manifestDigest
              + " has "
              + layers.size()
              + " layers, config "
              + diffIds.size());
    }
    for (int i = 0; i < diffIds.size(); i++) {
      String blobDigest = layers.get(i).path("digest").asText();
      if (!store.blobs().contains(blobDigest)) {
        throw new ImageStore.CorruptImageException("layer blob " + blobDigest + " is missing");
      }
      store.ensureLayer(blobDigest, diffIds.get(i));
    }
    List<String> tags = reference == null ? List.of() : List.of(reference.toString());
    return store.record(new ImageRecord(tags, repository, manifestDigest, configDigest, diffIds));
  }

  private List<ImageRecord> importDockerArchive(Path dir) throws IOException {
    JsonNode manifests = JSON.readTree(dir.resolve("manifest.json").toFile());
    List<ImageRecord> images = new ArrayList<>();
    for (JsonNode entry : manifests) {
      Path configFile = inside(dir, entry.path("Config").asText());
      String configDigest = store.blobs().putFile(configFile);
      JsonNode config = JSON.readTree(configFile.toFile());
      List<String> diffIds = diffIds(config);
      JsonNode layers = entry.path("Layers");
      if (layers.size() != diffIds.size()) {
        throw new ImageStore.CorruptImageException(
            "archive entry has " + layers.size() + " layers, config " + diffIds.size());
      }
      // Docker archives carry no manifest; synthesize the OCI manifest a registry would serve.
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      ObjectNode configDescriptor = manifest.putObject("config");
      configDescriptor.put("mediaType", "application/vnd.oci.image.config.v1+json");
      configDescriptor.put("digest", configDigest);
      configDescriptor.put("size", Files.size(configFile));
      ArrayNode layerDescriptors = manifest.putArray("layers");
      for (int i = 0; i < layers.size(); i++) {
        Path layerFile = inside(dir, layers.get(i).asText());
        String blobDigest = store.blobs().putFile(layerFile);
        store.ensureLayer(blobDigest, diffIds.get(i));
        ObjectNode layer = layerDescriptors.addObject();
        layer.put(
            "mediaType",
            isGzip(layerFile)
                ? "application/vnd.oci.image.layer.v1.tar+gzip"
                : "application/vnd.oci.image.layer.v1.tar");
        layer.put("digest", blobDigest);
        layer.put("size", Files.size(layerFile));
      }
      String manifestDigest = store.blobs().put(JSON.writeValueAsBytes(manifest));
      List<String> tags = new ArrayList<>();
      String repository = null;
      for (JsonNode tag : entry.path("RepoTags")) {
        ImageReference reference = ImageReference.parse(tag.asText());
        tags.add(reference.toString());
        if (repository == null) {
          repository = reference.name();
        }
      }
      if (repository == null) {
        repository = "sha256";
      }
      images.add(
          store.record(
              new ImageRecord(
                  List.copyOf(tags), repository, manifestDigest, configDigest, diffIds)));
    }
    return images;
  }

  private static List<String> diffIds(JsonNode config) {
    List<String> diffIds = new ArrayList<>();
    for (JsonNode diffId : config.path("rootfs").path("diff_ids")) {
      diffIds.add(diffId.asText());
    }
    return diffIds;
  }

  private static Path inside(Path dir, String name) throws IOException {
    Path relative = LayerUnpacker.safeRelative(name);
    if (relative == null) {
      throw new IOException("bad archive path " + name);
    }
    return dir.resolve(relative);
  }

  /** Extracts regular files and directories of the archive (only those matter here). */
  private static void extract(Path archive, Path dir) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(Files.newInputStream(archive), 65536);
    try (InputStream plain = isGzip(buffered) ? new GzipCompressorInputStream(buffered) : buffered;
        TarArchiveInputStream tar = new TarArchiveInputStream(plain)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path relative = LayerUnpacker.safeRelative(entry.getName());
        if (relative == null) {
          continue;
        }
        Path path = dir.resolve(relative);
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else if (entry.isFile()) {
          Files.createDirectories(path.getParent());
          try (OutputStream out = Files.newOutputStream(path)) {
            tar.transferTo(out);
          }
        } else if (entry.isSymbolicLink() || entry.isLink()) {
          // docker save links identical layers; copy the target so every name is a plain file.
          Path target =
              entry.isLink()
                  ? dir.resolve(LayerUnpacker.safeRelative(entry.getLinkName()))
                  : path.getParent().resolve(entry.getLinkName()).normalize();
          if (target.startsWith(dir) && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path.getParent());
            Files.copy(target, path);
          }
        }
      }
    }
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b;
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static String baseName(Path archive) {
    String name = archive.getFileName().toString();
    for (String suffix : new String[] {".tar.gz", ".tgz", ".tar"}) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
        break;
      }
    }
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._/-]", "-");
  }
}
