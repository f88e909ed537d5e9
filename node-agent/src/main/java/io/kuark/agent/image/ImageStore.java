package io.kuark.agent.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's local images: a verified blob store, one unpacked directory per layer (keyed by
 * diffID, shared by every image that has the layer) and a small index of image records naming them.
 *
 * <p>Layout under {@code root}: {@code blobs/sha256/<hex>}, {@code layers/sha256/<hex>/}, {@code
 * images.json}. Thread-safe.
 */
public final class ImageStore {

  /** The image record is there but its layers disagree with its configuration. */
  public static final class CorruptImageException extends IOException {
    CorruptImageException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final BlobStore blobs;
  private final LayerUnpacker unpacker;
  private final List<ImageRecord> images = new ArrayList<>();

  public ImageStore(Path root, OverlayMarks marks) throws IOException {
    this.root = root;
    this.blobs = new BlobStore(root.resolve("blobs"));
    this.unpacker = new LayerUnpacker(marks);
    Files.createDirectories(root.resolve("layers").resolve("sha256"));
    Path index = root.resolve("images.json");
    if (Files.exists(index)) {
      images.addAll(JSON.readValue(index.toFile(), new TypeReference<List<ImageRecord>>() {}));
    }
  }

  public BlobStore blobs() {
    return blobs;
  }

  /** Finds an image by a (not yet normalized) reference as written in a pod spec. */
  public synchronized Optional<ImageRecord> find(String image) {
    ImageReference reference = ImageReference.parse(image);
    for (ImageRecord record : images) {
      if (reference.digest() != null) {
        if (record.repository().equals(reference.name())
                && record.manifestDigest().equals(reference.digest())
            || record.configDigest().equals(reference.digest())) {
          return Optional.of(record);
        }
      } else if (record.references().contains(reference.toString())) {
        return Optional.of(record);
      }
    }
    return Optional.empty();
  }

  public synchronized List<ImageRecord> list() {
    return List.copyOf(images);
  }

  /**
   * Records an image whose manifest, config and layers are already in the blob store, moving the
   * given tags from any other image to this one (a tag names one image). Idempotent.
   */
  public synchronized ImageRecord record(ImageRecord image) throws IOException {
    Set<String> tags = new LinkedHashSet<>(image.references());
    List<ImageRecord> updated = new ArrayList<>();
    for (ImageRecord existing : images) {
      if (existing.configDigest().equals(image.configDigest())
          && existing.manifestDigest().equals(image.manifestDigest())) {
        tags.addAll(existing.references());
        continue;
      }
      List<String> remaining = new ArrayList<>(existing.references());
      remaining.removeAll(image.references());
      updated.add(
          new ImageRecord(
              List.copyOf(remaining),
              existing.repository(),
              existing.manifestDigest(),
              existing.configDigest(),
              existing.diffIds()));
    }
    ImageRecord merged =
        new ImageRecord(
            List.copyOf(tags),
            image.repository(),
            image.manifestDigest(),
            image.configDigest(),
            image.diffIds());
    updated.add(merged);
    images.clear();
    images.addAll(updated);
    save();
    return merged;
  }

  /**
   * Forgets {@code image} and deletes the content only it referenced: its manifest, config and
   * layer blobs and its unpacked layer directories, unless another recorded image still names them.
   * Idempotent (an image no longer recorded frees nothing).
   *
   * @return bytes of content deleted
   */
  public synchronized long remove(ImageRecord image) throws IOException {
    boolean removed =
        images.removeIf(
            r ->
                r.configDigest().equals(image.configDigest())
                    && r.manifestDigest().equals(image.manifestDigest()));
    if (!removed) {
      return 0;
    }
    save();
    Set<String> keptBlobs = new HashSet<>();
    Set<String> keptLayers = new HashSet<>();
    for (ImageRecord other : images) {
      keptBlobs.addAll(blobDigests(other));
      keptLayers.addAll(other.diffIds());
    }
    long freed = 0;
    for (String diffId : image.diffIds()) {
      if (!keptLayers.contains(diffId)) {
        freed += deleteLayer(diffId);
      }
    }
    for (String digest : blobDigests(image)) {
      if (!keptBlobs.contains(digest)) {
        Path blob = blobs.path(digest);
        long size = Files.exists(blob) ? Files.size(blob) : 0;
        if (Files.deleteIfExists(blob)) {
          freed += size;
        }
      }
    }
    return freed;
  }

  /** The blobs an image consists of: manifest, config and the layer blobs its manifest lists. */
  private List<String> blobDigests(ImageRecord image) throws IOException {
    List<String> digests = new ArrayList<>();
    digests.add(image.manifestDigest());
    digests.add(image.configDigest());
    if (blobs.contains(image.manifestDigest())) {
      for (JsonNode layer : JSON.readTree(blobs.read(image.manifestDigest())).path("layers")) {
        String digest = layer.path("digest").asText("");
        if (!digest.isEmpty()) {
          digests.add(digest);
        }
      }
    }
    return digests;
  }

  /**
   * Deletes an unpacked layer; it is first renamed out of its digest's place so that a concurrent
   * {@link #ensureLayer} never takes a half-deleted directory for a complete one.
   */
  private long deleteLayer(String diffId) throws IOException {
    Path dir = layerDir(diffId);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Path doomed = dir.resolveSibling("gc-" + Digests.hex(diffId));
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    long size = treeSize(doomed);
    io.kuark.agent.fs.FileTrees.delete(doomed);
    return size;
  }

  /** Bytes of the regular files under {@code dir} (symlinks not followed). */
  static long treeSize(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(
        dir,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              total[0] += attrs.size();
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }

  /** The image's start configuration. */
  public ImageConfig config(ImageRecord image) throws IOException {
    return ImageConfig.fromImageConfigJson(JSON.readTree(blobs.read(image.configDigest())));
  }

  /** The unpacked directory of the layer with {@code diffId} (it may not exist). */
  public Path layerDir(String diffId) {
    return root.resolve("layers").resolve("sha256").resolve(Digests.hex(diffId));
  }

  /** The image's layer directories, topmost first (the order overlayfs wants for lowerdir). */
  public List<Path> layerDirsTopFirst(ImageRecord image) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (String diffId : image.diffIds()) {
      Path dir = layerDir(diffId);
      if (!Files.isDirectory(dir)) {
        throw new CorruptImageException(
            "layer " + diffId + " of " + image.imageId() + " is missing");
      }
      dirs.add(0, dir);
    }
    return dirs;
  }

  /**
   * Unpacks the layer blob {@code blobDigest} unless its directory already exists, checking that
   * its uncompressed content hashes to {@code diffId}.
   */
  public Path ensureLayer(String blobDigest, String diffId) throws IOException {
    Path target = layerDir(diffId);
    if (Files.isDirectory(target)) {
      return target;
    }
    Path temp = Files.createTempDirectory(target.getParent(), "unpack-");
    try {
      String actual;
      try (InputStream in = Files.newInputStream(blobs.path(blobDigest))) {
        actual = unpacker.unpack(in, temp);
      }
      if (!actual.equals(diffId)) {
        throw new CorruptImageException(
            "layer " + blobDigest + " unpacks to " + actual + ", config says " + diffId);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // Another pull or import unpacked the same layer first (rename(2) then fails with
        // ENOTEMPTY, which the JDK reports as a plain FileSystemException); its copy is as good
        // as ours. Anything else is a real failure.
        if (!Files.isDirectory(target)) {
          throw raced;
        }
      }
      return target;
    } finally {
      if (Files.exists(temp)) {
        io.kuark.agent.fs.FileTrees.delete(temp);
      }
    }
  }

  private void save() throws IOException {
    Path index = root.resolve("images.json");
    Path temp = root.resolve("images.json.tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), images);
    Files.move(temp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
