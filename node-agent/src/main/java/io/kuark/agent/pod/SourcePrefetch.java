package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The API reads a pod's first start needs — its ConfigMaps and Secrets (volumes, environment, image
 * pull secrets) and its projected ServiceAccount tokens — started in the background when the pod
 * arrives, so they overlap the sandbox and CNI set-up instead of following them: with 30 pods at
 * once the API server is busy and each read waits on it.
 *
 * <p>Answers each read once per key from what was fetched (one consistent snapshot for the start;
 * the same ConfigMap read by a volume and by an environment variable is fetched once); a read of a
 * key not prefetched goes to the API as before. A read whose fetch has not begun yet (the executor
 * is busy) runs it in the caller's thread, so a queued prefetch never makes a pod wait longer than
 * a direct read would. A failed fetch throws to the reader exactly what the direct read would have.
 * Used for the first start only: restarts read fresh values.
 */
final class SourcePrefetch implements ContainerStarter.Sources {

  private final ContainerStarter.Sources api;
  private final Pod pod;
  private final Map<String, Fetch<?>> fetches = new ConcurrentHashMap<>();

  private SourcePrefetch(Pod pod, ContainerStarter.Sources api) {
    this.pod = pod;
    this.api = api;
  }

  /** Starts every read {@code pod} will need on {@code executor}; returns at once. */
  static SourcePrefetch start(Pod pod, ContainerStarter.Sources api, Executor executor) {
    SourcePrefetch prefetch = new SourcePrefetch(pod, api);
    String namespace = pod.getMetadata().getNamespace();
    for (String name : References.configMaps(pod)) {
      prefetch.add(configMapKey(namespace, name), () -> api.configMap(namespace, name), executor);
    }
    for (String name : References.secrets(pod)) {
      prefetch.add(secretKey(namespace, name), () -> api.secret(namespace, name), executor);
    }
    for (ServiceAccountTokenProjection token : References.tokens(pod)) {
      String audience = token.getAudience();
      Long expiration = token.getExpirationSeconds();
      prefetch.add(
          tokenKey(audience, expiration),
          () -> api.serviceAccountToken(pod, audience, expiration),
          executor);
    }
    return prefetch;
  }

  /** How many reads were started (for tests and logs). */
  int size() {
    return fetches.size();
  }

  @Override
  public Optional<Map<String, String>> configMap(String namespace, String name) {
    return answer(configMapKey(namespace, name), () -> api.configMap(namespace, name));
  }

  @Override
  public Optional<Map<String, String>> secret(String namespace, String name) {
    return answer(secretKey(namespace, name), () -> api.secret(namespace, name));
  }

  @Override
  public Optional<String> serviceAccountToken(Pod about, String audience, Long expirationSeconds) {
    if (!about.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
      return api.serviceAccountToken(about, audience, expirationSeconds);
    }
    return answer(
        tokenKey(audience, expirationSeconds),
        () -> api.serviceAccountToken(about, audience, expirationSeconds));
  }

  private <T> void add(String key, Supplier<T> read, Executor executor) {
    if (fetches.containsKey(key)) {
      return;
    }
    Fetch<T> fetch = new Fetch<>(read);
    fetches.put(key, fetch);
    executor.execute(fetch::run);
  }

  @SuppressWarnings("unchecked")
  private <T> T answer(String key, Supplier<T> direct) {
    Fetch<T> fetch = (Fetch<T>) fetches.get(key);
    if (fetch == null) {
      return direct.get();
    }
    fetch.run(); // does nothing when the executor already took it
    return fetch.join();
  }

  private static String configMapKey(String namespace, String name) {
    return "configmap/" + namespace + "/" + name;
  }

  private static String secretKey(String namespace, String name) {
    return "secret/" + namespace + "/" + name;
  }

  private static String tokenKey(String audience, Long expirationSeconds) {
    return "token/" + (audience == null ? "" : audience) + "/" + expirationSeconds;
  }

  /** One read, run by whichever thread gets to it first. */
  private static final class Fetch<T> {
    private final Supplier<T> read;
    private final AtomicBoolean taken = new AtomicBoolean();
    private final CompletableFuture<T> result = new CompletableFuture<>();

    Fetch(Supplier<T> read) {
      this.read = read;
    }

    void run() {
      if (!taken.compareAndSet(false, true)) {
        return;
      }
      try {
        result.complete(read.get());
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }

    T join() {
      try {
        return result.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }

  /** The API objects a pod's spec refers to. */
  static final class References {
    private References() {}

    static List<String> configMaps(Pod pod) {
      List<String> names = new ArrayList<>();
      for (Volume volume : volumes(pod)) {
        if (volume.getConfigMap() != null) {
          names.add(volume.getConfigMap().getName());
        } else if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
          for (VolumeProjection projection : volume.getProjected().getSources()) {
            if (projection.getConfigMap() != null) {
              names.add(projection.getConfigMap().getName());
            }
          }
        }
      }
      for (Container container : containers(pod)) {
        for (EnvFromSource from : nonNull(container.getEnvFrom())) {
          if (from.getConfigMapRef() != null) {
            names.add(from.getConfigMapRef().getName());
          }
        }
        for (EnvVar env : nonNull(container.getEnv())) {
          ConfigMapKeySelector ref =
              env.getValueFrom() == null ? null : env.getValueFrom().getConfigMapKeyRef();
          if (ref != null) {
            names.add(ref.getName());
          }
        }
      }
      return names.stream().filter(n -> n != null && !n.isEmpty()).distinct().toList();
    }

    static List<String> secrets(Pod pod) {
      List<String> names = new ArrayList<>();
      for (Volume volume : volumes(pod)) {
        if (volume.getSecret() != null) {
          names.add(volume.getSecret().getSecretName());
        } else if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
          for (VolumeProjection projection : volume.getProjected().getSources()) {
            if (projection.getSecret() != null) {
              names.add(projection.getSecret().getName());
            }
          }
        }
      }
      for (Container container : containers(pod)) {
        for (EnvFromSource from : nonNull(container.getEnvFrom())) {
          if (from.getSecretRef() != null) {
            names.add(from.getSecretRef().getName());
          }
        }
        for (EnvVar env : nonNull(container.getEnv())) {
          SecretKeySelector ref =
              env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
          if (ref != null) {
            names.add(ref.getName());
          }
        }
      }
      for (LocalObjectReference pull : nonNull(pod.getSpec().getImagePullSecrets())) {
        names.add(pull.getName());
      }
      return names.stream().filter(n -> n != null && !n.isEmpty()).distinct().toList();
    }

    static List<ServiceAccountTokenProjection> tokens(Pod pod) {
      List<ServiceAccountTokenProjection> tokens = new ArrayList<>();
      for (Volume volume : volumes(pod)) {
        if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
          for (VolumeProjection projection : volume.getProjected().getSources()) {
            if (projection.getServiceAccountToken() != null) {
              tokens.add(projection.getServiceAccountToken());
            }
          }
        }
      }
      return tokens;
    }

    private static List<Volume> volumes(Pod pod) {
      return nonNull(pod.getSpec().getVolumes());
    }

    private static List<Container> containers(Pod pod) {
      List<Container> all = new ArrayList<>(nonNull(pod.getSpec().getInitContainers()));
      all.addAll(nonNull(pod.getSpec().getContainers()));
      return all;
    }

    private static <T> List<T> nonNull(List<T> list) {
      return list == null ? List.of() : list;
    }
  }
}
