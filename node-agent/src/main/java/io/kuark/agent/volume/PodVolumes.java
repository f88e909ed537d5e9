package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Materializes a pod's volumes as host directories under {@code podDir/volumes/<name>} (hostPath
 * volumes are the host path itself) so containers can bind-mount them. Supported: emptyDir (disk),
 * hostPath, configMap, secret, downwardAPI and projected (configMap, secret, downwardAPI,
 * serviceAccountToken). Content is written once when the pod starts; updates of the sources are not
 * propagated yet.
 */
public final class PodVolumes {

  private static final Logger LOG = Logger.getLogger(PodVolumes.class);

  /** Reads the API objects volume content comes from. */
  public interface Sources {
    Optional<Map<String, String>> configMap(String namespace, String name);

    Optional<Map<String, String>> secret(String namespace, String name);

    /** A bound ServiceAccount token for the pod, or empty if the API cannot issue one. */
    Optional<String> serviceAccountToken(Pod pod, String audience, Long expirationSeconds);
  }

  /** A volume the pod needs that cannot be provided (yet); the container waits. */
  public static final class VolumeException extends IOException {
    VolumeException(String message) {
      super(message);
    }
  }

  private PodVolumes() {}

  /**
   * Prepares every volume of the pod and returns volume name → host path. Idempotent: existing
   * directories are reused (emptyDir content survives container restarts).
   */
  public static Map<String, Path> prepare(Pod pod, Path podDir, Sources sources)
      throws IOException {
    Map<String, Path> paths = new LinkedHashMap<>();
    List<Volume> volumes = pod.getSpec().getVolumes();
    if (volumes == null) {
      return paths;
    }
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : volumes) {
      Path dir = podDir.resolve("volumes").resolve(volume.getName());
      if (volume.getHostPath() != null) {
        paths.put(volume.getName(), hostPath(volume));
        continue;
      }
      boolean existed = Files.isDirectory(dir);
      Files.createDirectories(dir);
      paths.put(volume.getName(), dir);
      if (volume.getEmptyDir() != null || existed) {
        continue;
      }
      if (volume.getConfigMap() != null) {
        Optional<Map<String, String>> data =
            sources.configMap(namespace, volume.getConfigMap().getName());
        if (data.isEmpty() && !Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
          throw missing(dir, "configmap \"" + volume.getConfigMap().getName() + "\" not found");
        }
        writeKeys(dir, data.orElse(Map.of()), volume.getConfigMap().getItems());
      } else if (volume.getSecret() != null) {
        Optional<Map<String, String>> data =
            sources.secret(namespace, volume.getSecret().getSecretName());
        if (data.isEmpty() && !Boolean.TRUE.equals(volume.getSecret().getOptional())) {
          throw missing(dir, "secret \"" + volume.getSecret().getSecretName() + "\" not found");
        }
        writeKeys(dir, data.orElse(Map.of()), volume.getSecret().getItems());
      } else if (volume.getDownwardAPI() != null) {
        writeDownward(dir, pod, volume.getDownwardAPI().getItems());
      } else if (volume.getProjected() != null) {
        for (VolumeProjection projection : volume.getProjected().getSources()) {
          project(dir, pod, projection, sources);
        }
      } else {
        LOG.warnf(
            "pod %s/%s: volume %s has an unsupported type; it is an empty directory",
            namespace, pod.getMetadata().getName(), volume.getName());
      }
    }
    return paths;
  }

  private static VolumeException missing(Path dir, String message) throws IOException {
    Files.deleteIfExists(dir);
    return new VolumeException(message);
  }

  private static Path hostPath(Volume volume) throws IOException {
    Path path = Path.of(volume.getHostPath().getPath());
    String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
    switch (type) {
      case "DirectoryOrCreate" -> Files.createDirectories(path);
      case "FileOrCreate" -> {
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
          Files.createFile(path);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(path)) {
          throw new VolumeException("hostPath type check failed: " + path + " is not a directory");
        }
      }
      case "File" -> {
        if (!Files.isRegularFile(path)) {
          throw new VolumeException("hostPath type check failed: " + path + " is not a file");
        }
      }
      case "Socket", "CharDevice", "BlockDevice" -> {
        if (!Files.exists(path)) {
          throw new VolumeException("hostPath type check failed: " + path + " does not exist");
        }
      }
      default -> {
        // "" (no check)
      }
    }
    return path;
  }

  private static void project(Path dir, Pod pod, VolumeProjection projection, Sources sources)
      throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    if (projection.getConfigMap() != null) {
      ConfigMapProjection cm = projection.getConfigMap();
      Optional<Map<String, String>> data = sources.configMap(namespace, cm.getName());
      if (data.isEmpty() && !Boolean.TRUE.equals(cm.getOptional())) {
        throw new VolumeException("configmap \"" + cm.getName() + "\" not found");
      }
      writeKeys(dir, data.orElse(Map.of()), cm.getItems());
    } else if (projection.getSecret() != null) {
      SecretProjection secret = projection.getSecret();
      Optional<Map<String, String>> data = sources.secret(namespace, secret.getName());
      if (data.isEmpty() && !Boolean.TRUE.equals(secret.getOptional())) {
        throw new VolumeException("secret \"" + secret.getName() + "\" not found");
      }
      writeKeys(dir, data.orElse(Map.of()), secret.getItems());
    } else if (projection.getDownwardAPI() != null) {
      writeDownward(dir, pod, projection.getDownwardAPI().getItems());
    } else if (projection.getServiceAccountToken() != null) {
      ServiceAccountTokenProjection token = projection.getServiceAccountToken();
      Optional<String> value =
          sources.serviceAccountToken(pod, token.getAudience(), token.getExpirationSeconds());
      if (value.isPresent()) {
        write(dir, token.getPath(), value.get());
      } else {
        LOG.warnf(
            "pod %s/%s: no ServiceAccount token available; %s left out",
            namespace, pod.getMetadata().getName(), token.getPath());
      }
    }
  }

  private static void writeKeys(Path dir, Map<String, String> data, List<KeyToPath> items)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> entry : data.entrySet()) {
        write(dir, entry.getKey(), entry.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value != null) {
        write(dir, item.getPath(), value);
      }
    }
  }

  private static void writeDownward(Path dir, Pod pod, List<DownwardAPIVolumeFile> items)
      throws IOException {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile item : items) {
      if (item.getFieldRef() == null) {
        continue;
      }
      String path = item.getFieldRef().getFieldPath();
      String value;
      if (path.equals("metadata.labels")) {
        value = keyValues(pod.getMetadata().getLabels());
      } else if (path.equals("metadata.annotations")) {
        value = keyValues(pod.getMetadata().getAnnotations());
      } else if (path.equals("metadata.name")) {
        value = pod.getMetadata().getName();
      } else if (path.equals("metadata.namespace")) {
        value = pod.getMetadata().getNamespace();
      } else if (path.equals("metadata.uid")) {
        value = pod.getMetadata().getUid();
      } else {
        continue;
      }
      write(dir, item.getPath(), value);
    }
  }

  private static String keyValues(Map<String, String> values) {
    StringBuilder text = new StringBuilder();
    if (values != null) {
      values.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> text.append(e.getKey()).append("=\"").append(e.getValue()).append("\"\n"));
    }
    return text.toString();
  }

  private static void write(Path dir, String relative, String value) throws IOException {
    Path target = dir.resolve(relative).normalize();
    if (!target.startsWith(dir)) {
      throw new VolumeException("volume path escapes the volume: " + relative);
    }
    Files.createDirectories(target.getParent());
    Files.writeString(target, value, StandardCharsets.UTF_8);
  }
}
