package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Reads static pod manifests (one Pod per YAML or JSON file) from the manifests directory and gives
 * them the identity upstream's file source does: name {@code <name>-<node>}, namespace {@code
 * default} when unset, {@code spec.nodeName} this node, and a UID that is a hash of the manifest,
 * the node and the source, also written to {@code kubernetes.io/config.hash}. A changed file
 * therefore is a new pod (the old one is torn down), as upstream.
 *
 * <p>Files whose name starts with a dot are ignored; a file that cannot be parsed or is not a valid
 * pod is skipped with a log line naming the file and the problem. Parsed files are cached by
 * modification time and size.
 */
final class StaticPodFiles {

  private static final Logger LOG = Logger.getLogger(StaticPodFiles.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HASH = "kubernetes.io/config.hash";
  static final String SOURCE = "kubernetes.io/config.source";
  static final String SEEN = "kubernetes.io/config.seen";
  static final String MIRROR = "kubernetes.io/config.mirror";

  private record Cached(long modified, long size, Pod pod, String error) {}

  private final Path dir;
  private final String nodeName;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final Map<Path, Cached> cache = new HashMap<>();

  StaticPodFiles(Path dir, String nodeName) {
    this.dir = dir;
    this.nodeName = nodeName;
  }

  /** The static pods the directory describes now, keyed by UID. */
  Map<String, Pod> read() throws IOException {
    Map<String, Pod> pods = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      cache.clear();
      return pods;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    Map<Path, Cached> seen = new HashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.startsWith(".") || !Files.isRegularFile(file)) {
        continue;
      }
      long modified = Files.getLastModifiedTime(file).toMillis();
      long size = Files.size(file);
      Cached cached = cache.get(file);
      if (cached == null || cached.modified() != modified || cached.size() != size) {
        cached = parse(file, modified, size);
      }
      seen.put(file, cached);
      if (cached.pod() != null) {
        String uid = cached.pod().getMetadata().getUid();
        if (pods.containsKey(uid)) {
          LOG.warnf("static pod manifest %s duplicates another manifest; ignored", file);
          continue;
        }
        pods.put(uid, cached.pod());
      }
    }
    cache.clear();
    cache.putAll(seen);
    return pods;
  }

  private Cached parse(Path file, long modified, long size) {
    try {
      Pod pod = toStaticPod(Files.readString(file, StandardCharsets.UTF_8));
      return new Cached(modified, size, pod, null);
    } catch (IOException | RuntimeException e) {
      String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warnf("static pod manifest %s is not usable: %s", file, problem);
      return new Cached(modified, size, null, problem);
    }
  }

  /** Parses and validates one manifest and applies the static pod identity. */
  Pod toStaticPod(String manifest) {
    Object parsed = serialization.unmarshal(manifest);
    if (!(parsed instanceof Pod pod)) {
      throw new IllegalArgumentException(
          "expected kind Pod, got "
              + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
    }
    if (pod.getMetadata() == null || blank(pod.getMetadata().getName())) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    if (pod.getSpec() == null
        || pod.getSpec().getContainers() == null
        || pod.getSpec().getContainers().isEmpty()) {
      throw new IllegalArgumentException("spec.containers must not be empty");
    }
    for (Container container : pod.getSpec().getContainers()) {
      if (blank(container.getName()) || blank(container.getImage())) {
        throw new IllegalArgumentException("every container needs a name and an image");
      }
    }
    String hash = hash(manifestIdentity(pod));
    if (blank(pod.getMetadata().getNamespace())) {
      pod.getMetadata().setNamespace("default");
    }
    pod.getMetadata()
        .setName(pod.getMetadata().getName() + "-" + nodeName.toLowerCase(Locale.ROOT));
    pod.getMetadata().setUid(hash);
    pod.getMetadata().setResourceVersion(null);
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(pod.getMetadata().getAnnotations());
    annotations.put(HASH, hash);
    annotations.put(SOURCE, "file");
    annotations.put(SEEN, Instant.now().toString());
    annotations.remove(MIRROR);
    pod.getMetadata().setAnnotations(annotations);
    pod.getSpec().setNodeName(nodeName);
    if (pod.getSpec().getRestartPolicy() == null) {
      pod.getSpec().setRestartPolicy("Always");
    }
    if (pod.getSpec().getTerminationGracePeriodSeconds() == null) {
      pod.getSpec().setTerminationGracePeriodSeconds(30L);
    }
    pod.setStatus(null);
    return pod;
  }

  /** What the pod's identity hashes: the manifest as parsed, this node and the source. */
  private String manifestIdentity(Pod pod) {
    try {
      return JSON.writeValueAsString(pod) + "\n" + nodeName + "\nfile";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hash(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Files that were skipped, with the reason (for tests and diagnostics). */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    cache.forEach(
        (file, cached) -> {
          if (cached.error() != null) {
            problems.add(file.getFileName() + ": " + cached.error());
          }
        });
    return problems;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
