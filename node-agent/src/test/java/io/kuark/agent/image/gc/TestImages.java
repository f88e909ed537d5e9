package io.kuark.agent.image.gc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small images straight into an {@link ImageStore} (uncompressed single-file layers). */
final class TestImages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImages() {}

  /** A layer holding one file {@code name} of {@code size} bytes (content varies with name). */
  static byte[] layer(String name, int size) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(size);
      entry.setMode(0100644);
      tar.putArchiveEntry(entry);
      byte[] content = new byte[size];
      byte[] seed = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < size; i++) {
        content[i] = seed[i % seed.length];
      }
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  /** Stores and records image {@code tag} with the given layers (bottom first). */
  static ImageRecord add(ImageStore store, String tag, byte[]... layers) throws IOException {
    List<String> diffIds = new ArrayList<>();
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    ArrayNode layerDescriptors = manifest.putArray("layers");
    for (byte[] layer : layers) {
      String digest = store.blobs().put(layer);
      store.ensureLayer(digest, digest);
      diffIds.add(digest);
      layerDescriptors.addObject().put("digest", digest).put("size", layer.length);
    }
    ObjectNode config = JSON.createObjectNode();
    config.putObject("config").putArray("Cmd").add("/bin/sh").add(tag);
    ArrayNode ids = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    diffIds.forEach(ids::add);
    String configDigest = store.blobs().put(JSON.writeValueAsBytes(config));
    manifest.putObject("config").put("digest", configDigest);
    String manifestDigest = store.blobs().put(JSON.writeValueAsBytes(manifest));
    return store.record(
        new ImageRecord(
            List.of("example.test/" + tag + ":1"),
            "example.test/" + tag,
            manifestDigest,
            configDigest,
            diffIds));
  }
}
