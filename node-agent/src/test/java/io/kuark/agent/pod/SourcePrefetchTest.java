package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourcePrefetchTest {

  /** Counts reads per key; "broken" objects fail like an API error would. */
  private static final class CountingSources implements ContainerStarter.Sources {
    final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    final AtomicInteger tokenSerial = new AtomicInteger();

    private void count(String key) {
      reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    int reads(String key) {
      AtomicInteger n = reads.get(key);
      return n == null ? 0 : n.get();
    }

    int total() {
      return reads.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) {
      count("cm/" + namespace + "/" + name);
      if (name.equals("broken")) {
        throw new IllegalStateException("configmap read failed");
      }
      return name.equals("missing") ? Optional.empty() : Optional.of(Map.of("k", name));
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) {
      count("secret/" + namespace + "/" + name);
      return Optional.of(Map.of("s", name));
    }

    @Override
    public Optional<String> serviceAccountToken(Pod pod, String audience, Long expiration) {
      count("token/" + pod.getMetadata().getUid() + "/" + audience + "/" + expiration);
      return Optional.of("token-" + tokenSerial.incrementAndGet());
    }
  }

  /** Holds submitted tasks until the test runs them. */
  private static final class HeldExecutor implements Executor {
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      tasks.forEach(Runnable::run);
    }
  }

  private static Pod pod(String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .addNewImagePullSecret("pull")
        .addNewVolume()
        .withName("settings")
        .withNewConfigMap()
        .withName("settings")
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("creds")
        .withNewSecret()
        .withSecretName("creds")
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("kube-api-access")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("token")
        .withExpirationSeconds(3607L)
        .endServiceAccountToken()
        .endSource()
        .addNewSource()
        .withNewConfigMap()
        .withName("kube-root-ca.crt")
        .endConfigMap()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewInitContainer()
        .withName("init")
        .addNewEnvFrom()
        .withNewSecretRef()
        .withName("init-env")
        .endSecretRef()
        .endEnvFrom()
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .addNewEnv()
        .withName("MODE")
        .withNewValueFrom()
        .withNewConfigMapKeyRef()
        .withName("settings")
        .withKey("k")
        .endConfigMapKeyRef()
        .endValueFrom()
        .endEnv()
        .addNewEnvFrom()
        .withNewConfigMapRef()
        .withName("app-env")
        .endConfigMapRef()
        .endEnvFrom()
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void startsOneReadPerObjectThePodRefersTo() {
    CountingSources api = new CountingSources();
    SourcePrefetch prefetch = SourcePrefetch.start(pod("u1"), api, Runnable::run);

    // settings (volume + env, once), kube-root-ca.crt, app-env; creds, init-env, pull; one token.
    assertThat(prefetch.size()).isEqualTo(7);
    assertThat(api.reads("cm/shop/settings")).isEqualTo(1);
    assertThat(api.reads("cm/shop/kube-root-ca.crt")).isEqualTo(1);
    assertThat(api.reads("cm/shop/app-env")).isEqualTo(1);
    assertThat(api.reads("secret/shop/creds")).isEqualTo(1);
    assertThat(api.reads("secret/shop/init-env")).isEqualTo(1);
    assertThat(api.reads("secret/shop/pull")).isEqualTo(1);
    assertThat(api.reads("token/u1/null/3607")).isEqualTo(1);
  }

  @Test
  void answersFromWhatWasFetchedWithoutAskingTheApiAgain() {
    CountingSources api = new CountingSources();
    Pod pod = pod("u1");
    SourcePrefetch prefetch = SourcePrefetch.start(pod, api, Runnable::run);

    assertThat(prefetch.configMap("shop", "settings")).contains(Map.of("k", "settings"));
    assertThat(prefetch.configMap("shop", "settings")).contains(Map.of("k", "settings"));
    assertThat(prefetch.secret("shop", "creds")).contains(Map.of("s", "creds"));
    assertThat(prefetch.serviceAccountToken(pod, null, 3607L)).contains("token-1");
    assertThat(prefetch.serviceAccountToken(pod, null, 3607L)).contains("token-1");
    assertThat(api.total()).isEqualTo(7);
  }

  @Test
  void readsWhatWasNotPrefetchedFromTheApi() {
    CountingSources api = new CountingSources();
    Pod pod = pod("u1");
    SourcePrefetch prefetch = SourcePrefetch.start(pod, api, Runnable::run);

    assertThat(prefetch.configMap("shop", "other")).contains(Map.of("k", "other"));
    assertThat(prefetch.serviceAccountToken(pod, "vault", 600L)).contains("token-2");
    // Another pod's token is never answered from this pod's prefetch.
    assertThat(prefetch.serviceAccountToken(pod("u2"), null, 3607L)).contains("token-3");
    assertThat(api.reads("cm/shop/other")).isEqualTo(1);
    assertThat(api.reads("token/u2/null/3607")).isEqualTo(1);
  }

  @Test
  void aReaderRunsAReadStillQueuedItselfAndTheQueuedTaskThenDoesNothing() {
    CountingSources api = new CountingSources();
    HeldExecutor executor = new HeldExecutor();
    SourcePrefetch prefetch = SourcePrefetch.start(pod("u1"), api, executor);
    assertThat(api.total()).isZero();

    assertThat(prefetch.configMap("shop", "kube-root-ca.crt"))
        .contains(Map.of("k", "kube-root-ca.crt"));
    assertThat(api.reads("cm/shop/kube-root-ca.crt")).isEqualTo(1);

    executor.runAll();
    assertThat(api.reads("cm/shop/kube-root-ca.crt")).isEqualTo(1);
    assertThat(api.total()).isEqualTo(7);
  }

  @Test
  void aFailedReadThrowsToTheReaderWhatTheApiThrew() {
    CountingSources api = new CountingSources();
    Pod pod =
        new PodBuilder(pod("u1"))
            .editSpec()
            .addNewVolume()
            .withName("broken")
            .withNewConfigMap()
            .withName("broken")
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("missing")
            .withNewConfigMap()
            .withName("missing")
            .endConfigMap()
            .endVolume()
            .endSpec()
            .build();
    SourcePrefetch prefetch = SourcePrefetch.start(pod, api, Runnable::run);

    assertThatThrownBy(() -> prefetch.configMap("shop", "broken"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("configmap read failed");
    assertThat(prefetch.configMap("shop", "missing")).isEmpty();
  }

  @Test
  void aPodWithoutReferencesStartsNothing() {
    CountingSources api = new CountingSources();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("bare")
            .withNamespace("shop")
            .withUid("u3")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .endSpec()
            .build();

    assertThat(SourcePrefetch.start(pod, api, Runnable::run).size()).isZero();
    assertThat(api.total()).isZero();
  }
}
