package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.kuark.agent.volume.PodVolumes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The API reads one container start needs — ConfigMaps and Secrets of its environment and of the
 * volumes still to be written, projected ServiceAccount tokens — issued together when the start
 * reaches them, instead of one round trip after the other. A pod's default {@code kube-api-access}
 * volume alone needs a TokenRequest and a ConfigMap read; under a burst of pod starts each round
 * trip waits on a busy API server, so overlapping them shortens the "volumes" step by up to one
 * round trip per read.
 *
 * <p>Only what the start would read anyway is read (volumes whose directory exists are skipped, as
 * {@link io.kuark.agent.volume.PodVolumes#prepare} skips them); each distinct object is read once
 * per start; a read's failure reaches the code that asks for it, as the direct read would have
 * thrown it. The reads run on a small shared pool of daemon threads; when it is busy, a read runs
 * in the starting thread, so the pool never delays a start.
 */
final class ConcurrentReads implements ContainerStarter.Sources {

  private static final int MAX_THREADS = 16;

  private static final ExecutorService POOL =
      new ThreadPoolExecutor(
          0,
          MAX_THREADS,
          10,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread thread = new Thread(task, "kuark-source-read");
            thread.setDaemon(true);
            return thread;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  private final ContainerStarter.Sources direct;
  private final Map<String, CompletableFuture<Object>> reads;

  private ConcurrentReads(
      ContainerStarter.Sources direct, Map<String, CompletableFuture<Object>> reads) {
    this.direct = direct;
    this.reads = reads;
  }

  /**
   * Starts the reads {@code container} of {@code pod} needs; the first runs in the calling thread,
   * the others on the pool. With fewer than two reads nothing is started ahead.
   *
   * @param podDir the pod's directory (its {@code volumes/<name>} tell which volumes exist)
   */
  static ContainerStarter.Sources start(
      Pod pod, Container container, Path podDir, ContainerStarter.Sources direct) {
    Map<String, Supplier<Object>> wanted = wanted(pod, container, podDir, direct);
    if (wanted.size() < 2) {
      return direct;
    }
    Map<String, CompletableFuture<Object>> reads = new LinkedHashMap<>();
    boolean first = true;
    for (Map.Entry<String, Supplier<Object>> entry : wanted.entrySet()) {
      CompletableFuture<Object> future = new CompletableFuture<>();
      reads.put(entry.getKey(), future);
      if (first) {
        first = false;
        continue; // run below, after the others are on their way
      }
      POOL.execute(() -> complete(future, entry.getValue()));
    }
    Map.Entry<String, Supplier<Object>> head = wanted.entrySet().iterator().next();
    complete(reads.get(head.getKey()), head.getValue());
    return new ConcurrentReads(direct, reads);
  }

  /** The reads a start of {@code container} makes, by key, in the order it makes them. */
  static Map<String, Supplier<Object>> wanted(
      Pod pod, Container container, Path podDir, ContainerStarter.Sources direct) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Supplier<Object>> wanted = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        if (from.getConfigMapRef() != null) {
          configMap(wanted, direct, namespace, from.getConfigMapRef().getName());
        } else if (from.getSecretRef() != null) {
          secret(wanted, direct, namespace, from.getSecretRef().getName());
        }
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        if (var.getValueFrom() == null) {
          continue;
        }
        ConfigMapKeySelector cm = var.getValueFrom().getConfigMapKeyRef();
        SecretKeySelector secret = var.getValueFrom().getSecretKeyRef();
        if (cm != null) {
          configMap(wanted, direct, namespace, cm.getName());
        } else if (secret != null) {
          secret(wanted, direct, namespace, secret.getName());
        }
      }
    }
    if (pod.getSpec().getVolumes() != null) {
      for (Volume volume : pod.getSpec().getVolumes()) {
        if (volume.getHostPath() != null
            || volume.getEmptyDir() != null
            || PodVolumes.written(volume, podDir.resolve("volumes").resolve(volume.getName()))) {
          continue; // nothing to read, or written by an earlier start
        }
        if (volume.getConfigMap() != null) {
          configMap(wanted, direct, namespace, volume.getConfigMap().getName());
        } else if (volume.getSecret() != null) {
          secret(wanted, direct, namespace, volume.getSecret().getSecretName());
        } else if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
          for (VolumeProjection projection : volume.getProjected().getSources()) {
            if (projection.getConfigMap() != null) {
              configMap(wanted, direct, namespace, projection.getConfigMap().getName());
            } else if (projection.getSecret() != null) {
              secret(wanted, direct, namespace, projection.getSecret().getName());
            } else if (projection.getServiceAccountToken() != null) {
              ServiceAccountTokenProjection token = projection.getServiceAccountToken();
              wanted.putIfAbsent(
                  tokenKey(token.getAudience(), token.getExpirationSeconds()),
                  () ->
                      direct.serviceAccountToken(
                          pod, token.getAudience(), token.getExpirationSeconds()));
            }
          }
        }
      }
    }
    return wanted;
  }

  private static void configMap(
      Map<String, Supplier<Object>> wanted,
      ContainerStarter.Sources direct,
      String namespace,
      String name) {
    wanted.putIfAbsent(configMapKey(namespace, name), () -> direct.configMapFiles(namespace, name));
  }

  private static void secret(
      Map<String, Supplier<Object>> wanted,
      ContainerStarter.Sources direct,
      String namespace,
      String name) {
    wanted.putIfAbsent(secretKey(namespace, name), () -> direct.secretFiles(namespace, name));
  }

  private static void complete(CompletableFuture<Object> future, Supplier<Object> read) {
    try {
      future.complete(read.get());
    } catch (RuntimeException | Error e) {
      future.completeExceptionally(e);
    }
  }

  private static String configMapKey(String namespace, String name) {
    return "configmap/" + namespace + "/" + name;
  }

  private static String secretKey(String namespace, String name) {
    return "secret/" + namespace + "/" + name;
  }

  private static String tokenKey(String audience, Long expirationSeconds) {
    return "token/" + audience + "/" + expirationSeconds;
  }

  // ConfigMaps and Secrets are read once per start, as bytes (what volumes write); env's text is
  // derived from the same read (ContainerStarter.Sources' defaults).
  @Override
  @SuppressWarnings("unchecked")
  public Optional<Map<String, byte[]>> configMapFiles(String namespace, String name) {
    CompletableFuture<Object> read = reads.get(configMapKey(namespace, name));
    return read == null
        ? direct.configMapFiles(namespace, name)
        : (Optional<Map<String, byte[]>>) await(read);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<Map<String, byte[]>> secretFiles(String namespace, String name) {
    CompletableFuture<Object> read = reads.get(secretKey(namespace, name));
    return read == null
        ? direct.secretFiles(namespace, name)
        : (Optional<Map<String, byte[]>>) await(read);
  }

  @Override
  public Map<String, io.fabric8.kubernetes.api.model.Quantity> nodeAllocatable() {
    return direct.nodeAllocatable();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<String> serviceAccountToken(Pod pod, String audience, Long expirationSeconds) {
    CompletableFuture<Object> read = reads.get(tokenKey(audience, expirationSeconds));
    return read == null
        ? direct.serviceAccountToken(pod, audience, expirationSeconds)
        : (Optional<String>) await(read);
  }

  /** The read's value, or what it threw, rethrown in the asking thread. */
  private static Object await(CompletableFuture<Object> read) {
    try {
      return read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading container sources", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
