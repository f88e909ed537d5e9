package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.kuark.agent.downward.MetadataFields;
import io.kuark.agent.downward.NodeAllocatable;
import io.kuark.agent.downward.ResourceFields;
import io.kuark.agent.linux.HostKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Materializes a pod's volumes as host directories under {@code podDir/volumes/<name>} (hostPath
 * volumes are the host path itself) so containers can bind-mount them. Supported: emptyDir (disk
 * and {@code medium: Memory}), hostPath, configMap, secret, downwardAPI and projected (configMap,
 * secret, downwardAPI, serviceAccountToken). Secret, downwardAPI and projected volumes and memory
 * emptyDirs are each a tmpfs of their own ({@link MemoryVolumes}), as upstream. ConfigMap, Secret,
 * downward API and projected volumes are written with {@link AtomicWriter} (upstream's {@code
 * ..data} layout) when a container first needs them, and {@link #refresh} brings them up to date
 * later: changed sources are swapped in atomically and projected ServiceAccount tokens are renewed
 * before they expire ({@link TokenRenewal}). Containers that mount a volume with {@code subPath}
 * keep the file they started with, as upstream. With a pod {@code securityContext.fsGroup}, every
 * volume but hostPath is group-owned by it ({@link VolumeOwnership}): an emptyDir once, when it is
 * set up ({@link EmptyDirSetUp}), the written kinds whenever their content is written.
 */
public final class PodVolumes {

  private static final Logger LOG = Logger.getLogger(PodVolumes.class);

  /**
   * Reads the API objects volume content comes from and knows the node's allocatable resources
   * (downward API resourceFieldRef).
   */
  public interface Sources extends NodeAllocatable {
    /** A ConfigMap's keys as text (for env); binary values lose bytes that are not UTF-8. */
    Optional<Map<String, String>> configMap(String namespace, String name);

    /** A Secret's keys as text (for env); binary values lose bytes that are not UTF-8. */
    Optional<Map<String, String>> secret(String namespace, String name);

    /** A ConfigMap's {@code data} and {@code binaryData} as the exact bytes of volume files. */
    default Optional<Map<String, byte[]>> configMapFiles(String namespace, String name) {
      return configMap(namespace, name).map(PodVolumes::utf8);
    }

    /** A Secret's keys as the exact bytes of volume files. */
    default Optional<Map<String, byte[]>> secretFiles(String namespace, String name) {
      return secret(namespace, name).map(PodVolumes::utf8);
    }

    /** A bound ServiceAccount token for the pod, or empty if the API cannot issue one. */
    Optional<String> serviceAccountToken(Pod pod, String audience, Long expirationSeconds);
  }

  /** Text values as UTF-8 bytes. */
  public static Map<String, byte[]> utf8(Map<String, String> values) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  /** File contents as text, for readers that need strings (env). */
  public static Map<String, String> text(Map<String, byte[]> files) {
    Map<String, String> out = new LinkedHashMap<>();
    files.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
    return out;
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
   *
   * @param kernel mounts the tmpfs of secret, projected and downwardAPI volumes and memory
   *     emptyDirs ({@link MemoryVolumes})
   */
  public static Map<String, Path> prepare(Pod pod, Path podDir, Sources sources, HostKernel kernel)
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
      paths.put(volume.getName(), dir);
      if (volume.getEmptyDir() != null) {
        EmptyDirSetUp.setUp(pod, podDir, volume, dir, kernel, sources);
        continue;
      }
      if (written(volume, dir)) {
        continue;
      }
      boolean inMemory = MemoryVolumes.inMemory(volume);
      Optional<Map<String, AtomicWriter.VolumeFile>> payload;
      try {
        if (inMemory) {
          MemoryVolumes.mount(pod, null, dir, kernel, sources);
        } else {
          Files.createDirectories(dir);
        }
        payload = payload(pod, volume, sources, TokenRenewal.ALWAYS, dir);
        if (payload.isPresent()) {
          AtomicWriter.write(dir, payload.get(), VolumeOwnership.of(pod, true));
        }
      } catch (IOException | RuntimeException e) {
        // Not written: the next start tries again (a directory would count as written).
        try {
          if (inMemory) {
            kernel.unmount(dir);
          }
          io.kuark.agent.fs.FileTrees.delete(dir);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      if (payload.isEmpty()) {
        LOG.warnf(
            "pod %s/%s: volume %s has an unsupported type; it is an empty directory",
            namespace, pod.getMetadata().getName(), volume.getName());
      }
    }
    return paths;
  }

  /**
   * Whether the content of the written-kind {@code volume} is in its directory {@code dir} already
   * (an earlier start wrote it; {@link #refresh} keeps it current). A memory volume counts once its
   * {@code ..data} link is there: an empty directory is a tmpfs mounted by an agent that stopped
   * before writing, or a mount point whose tmpfs went with a reboot. Its content may also be on
   * disk, written by an agent without tmpfs volumes: the pod's running containers see that
   * directory, so it stays until the pod goes.
   */
  public static boolean written(Volume volume, Path dir) {
    return MemoryVolumes.inMemory(volume)
        ? Files.exists(dir.resolve(AtomicWriter.DATA), LinkOption.NOFOLLOW_LINKS)
        : Files.isDirectory(dir);
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

  /**
   * What one {@link #refresh} did.
   *
   * @param rewritten names of the volumes whose content was swapped
   * @param failed volume name → why its content could not be brought up to date (kubelet's
   *     FailedMount message)
   */
  public record Refresh(List<String> rewritten, Map<String, String> failed) {}

  /**
   * Brings the pod's written ConfigMap, Secret, downward API and projected volumes up to date:
   * content whose source changed is swapped in atomically, tokens due for renewal are renewed. A
   * volume whose source cannot be read now keeps its content (upstream keeps the last good content
   * too) and is reported in {@link Refresh#failed}. Volumes not written yet (no container needed
   * them so far) are left to the start.
   */
  public static Refresh refresh(Pod pod, Path podDir, Sources sources, TokenRenewal tokens) {
    List<String> rewritten = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<Volume> volumes = pod.getSpec().getVolumes();
    if (volumes == null) {
      return new Refresh(rewritten, failed);
    }
    VolumeOwnership ownership = VolumeOwnership.of(pod, true);
    for (Volume volume : volumes) {
      Path dir = podDir.resolve("volumes").resolve(volume.getName());
      if (volume.getHostPath() != null || volume.getEmptyDir() != null || !Files.isDirectory(dir)) {
        continue;
      }
      try {
        Optional<Map<String, AtomicWriter.VolumeFile>> payload =
            payload(pod, volume, sources, tokens, dir);
        if (payload.isPresent() && AtomicWriter.write(dir, payload.get(), ownership)) {
          rewritten.add(volume.getName());
        }
      } catch (IOException | RuntimeException e) {
        failed.put(
            volume.getName(),
            "MountVolume.SetUp failed for volume \""
                + volume.getName()
                + "\" : "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        LOG.debugf(
            "pod %s/%s: volume %s not refreshed: %s",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            volume.getName(),
            e.getMessage());
      }
    }
    return new Refresh(rewritten, failed);
  }

  /**
   * The files of a ConfigMap, Secret, downward API or projected volume; empty for other types.
   *
   * @param dir the volume's directory (where a current token is read from)
   * @throws VolumeException when a source the volume needs does not exist
   */
  private static Optional<Map<String, AtomicWriter.VolumeFile>> payload(
      Pod pod, Volume volume, Sources sources, TokenRenewal tokens, Path dir) throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, AtomicWriter.VolumeFile> files = new LinkedHashMap<>();
    if (volume.getConfigMap() != null) {
      String name = volume.getConfigMap().getName();
      putKeys(
          files,
          "configmap",
          name,
          sources.configMapFiles(namespace, name),
          volume.getConfigMap().getOptional(),
          volume.getConfigMap().getItems(),
          mode(volume.getConfigMap().getDefaultMode()));
    } else if (volume.getSecret() != null) {
      String name = volume.getSecret().getSecretName();
      putKeys(
          files,
          "secret",
          name,
          sources.secretFiles(namespace, name),
          volume.getSecret().getOptional(),
          volume.getSecret().getItems(),
          mode(volume.getSecret().getDefaultMode()));
    } else if (volume.getDownwardAPI() != null) {
      putDownward(
          files,
          pod,
          volume.getDownwardAPI().getItems(),
          mode(volume.getDownwardAPI().getDefaultMode()),
          sources);
    } else if (volume.getProjected() != null) {
      int mode = mode(volume.getProjected().getDefaultMode());
      for (VolumeProjection projection : volume.getProjected().getSources()) {
        project(files, pod, projection, sources, mode, tokens, dir);
      }
    } else {
      return Optional.empty();
    }
    return Optional.of(files);
  }

  private static void project(
      Map<String, AtomicWriter.VolumeFile> files,
      Pod pod,
      VolumeProjection projection,
      Sources sources,
      int mode,
      TokenRenewal tokens,
      Path dir)
      throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    if (projection.getConfigMap() != null) {
      ConfigMapProjection cm = projection.getConfigMap();
      putKeys(
          files,
          "configmap",
          cm.getName(),
          sources.configMapFiles(namespace, cm.getName()),
          cm.getOptional(),
          cm.getItems(),
          mode);
    } else if (projection.getSecret() != null) {
      SecretProjection secret = projection.getSecret();
      putKeys(
          files,
          "secret",
          secret.getName(),
          sources.secretFiles(namespace, secret.getName()),
          secret.getOptional(),
          secret.getItems(),
          mode);
    } else if (projection.getDownwardAPI() != null) {
      putDownward(files, pod, projection.getDownwardAPI().getItems(), mode, sources);
    } else if (projection.getServiceAccountToken() != null) {
      ServiceAccountTokenProjection token = projection.getServiceAccountToken();
      byte[] bytes = AtomicWriter.read(dir, token.getPath());
      String current = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
      Optional<String> value =
          current != null && !tokens.due(current)
              ? Optional.of(current)
              : sources.serviceAccountToken(pod, token.getAudience(), token.getExpirationSeconds());
      if (value.isPresent() || current != null) {
        files.put(token.getPath(), TokenFiles.file(pod, value.orElse(current), mode));
      } else {
        LOG.warnf(
            "pod %s/%s: no ServiceAccount token available; %s left out",
            namespace, pod.getMetadata().getName(), token.getPath());
      }
    }
  }

  /**
   * The keys of a ConfigMap or Secret ({@code kind}) as files: all of them, or the listed {@code
   * items}; a missing source is an error unless {@code optional}.
   */
  private static void putKeys(
      Map<String, AtomicWriter.VolumeFile> files,
      String kind,
      String name,
      Optional<Map<String, byte[]>> source,
      Boolean optional,
      List<KeyToPath> items,
      int mode)
      throws VolumeException {
    if (source.isEmpty() && !Boolean.TRUE.equals(optional)) {
      throw new VolumeException(kind + " \"" + name + "\" not found");
    }
    Map<String, byte[]> data = source.orElse(Map.of());
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> entry : data.entrySet()) {
        files.put(entry.getKey(), new AtomicWriter.VolumeFile(entry.getValue(), mode));
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value != null) {
        files.put(
            item.getPath(),
            new AtomicWriter.VolumeFile(value, item.getMode() == null ? mode : item.getMode()));
      }
    }
  }

  private static void putDownward(
      Map<String, AtomicWriter.VolumeFile> files,
      Pod pod,
      List<DownwardAPIVolumeFile> items,
      int mode,
      NodeAllocatable node)
      throws VolumeException {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile item : items) {
      int itemMode = item.getMode() == null ? mode : item.getMode();
      if (item.getResourceFieldRef() != null) {
        try {
          String value =
              ResourceFields.value(item.getResourceFieldRef(), pod, null, node.nodeAllocatable());
          put(files, item.getPath(), value, itemMode);
        } catch (ResourceFields.ResourceFieldException e) {
          throw new VolumeException(e.getMessage());
        }
        continue;
      }
      if (item.getFieldRef() == null) {
        continue;
      }
      String value;
      try {
        value = MetadataFields.value(pod.getMetadata(), item.getFieldRef().getFieldPath());
      } catch (MetadataFields.UnsupportedFieldException e) {
        throw new VolumeException(e.getMessage());
      }
      put(files, item.getPath(), value, itemMode);
    }
  }

  private static void put(
      Map<String, AtomicWriter.VolumeFile> files, String path, String value, int mode) {
    files.put(path, new AtomicWriter.VolumeFile(value.getBytes(StandardCharsets.UTF_8), mode));
  }

  /** A volume's defaultMode, upstream's 0644 when unset. */
  private static int mode(Integer defaultMode) {
    return defaultMode == null ? 0644 : defaultMode;
  }
}
