package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuark.server.controller.testing.QuietMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Loop sets (the server's controllers and scheduler) share one informer per type through the pool:
 * one list and one watch for all, every set's handlers see every event, and a set that ends takes
 * only its own handlers along.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class InformerPoolTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private InformerPool pool;

  @BeforeEach
  void drainRequests() throws InterruptedException {
    QuietMockServer.install();
    while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
      // requests of earlier tests
    }
    pool = new InformerPool(client);
  }

  @AfterEach
  void cleanUp() {
    pool.close();
    client.configMaps().inAnyNamespace().delete();
  }

  @Test
  void twoSetsListAndWatchOnceAndBothSeeEveryObject() throws InterruptedException {
    create("before");
    try (SharedInformers controllers = new SharedInformers(pool);
        SharedInformers scheduler = new SharedInformers(pool)) {
      Set<String> seenByControllers = names(controllers.get(ConfigMap.class));
      Set<String> seenByScheduler = names(scheduler.get(ConfigMap.class));
      controllers.startAll(30_000);
      scheduler.startAll(30_000);
      create("after");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> seenByControllers.size() == 2 && seenByScheduler.size() == 2);
      assertThat(seenByScheduler).containsExactlyInAnyOrder("before", "after");
      assertThat(pool.size()).isEqualTo(1);
      assertThat(controllers.lister(ConfigMap.class).namespace("ns").list()).hasSize(2);
      assertThat(scheduler.lister(ConfigMap.class).namespace("ns").list()).hasSize(2);
      // Without the pool each set listed (and watched) ConfigMaps itself.
      assertThat(configMapLists()).isEqualTo(1);
    }
    assertThat(pool.size()).isZero();
  }

  @Test
  void aSetThatEndsTakesItsHandlersAndLeavesTheWatchToTheOther() {
    SharedInformers scheduler = new SharedInformers(pool);
    Set<String> seenByScheduler = names(scheduler.get(ConfigMap.class));
    SharedIndexInformer<ConfigMap> informer;
    try (SharedInformers controllers = new SharedInformers(pool)) {
      informer = ((HandlerTrackingInformer<ConfigMap>) controllers.get(ConfigMap.class)).delegate();
      Set<String> seenByControllers = names(controllers.get(ConfigMap.class));
      controllers.startAll(30_000);
      scheduler.startAll(30_000);
      create("first");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> seenByControllers.size() == 1 && seenByScheduler.size() == 1);
      controllers.close();
      create("second");
      await().atMost(Duration.ofSeconds(60)).until(() -> seenByScheduler.size() == 2);
      // The ended set's handler was removed before "second" existed.
      assertThat(seenByControllers).containsExactly("first");
      assertThat(informer.isRunning()).isTrue();
      assertThat(pool.size()).isEqualTo(1);
    }
    scheduler.close();
    assertThat(pool.size()).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> !informer.isRunning());
  }

  @Test
  void aSetStartedLaterGetsWhatTheRunningInformerHoldsAsAdds() {
    create("existing");
    try (SharedInformers first = new SharedInformers(pool)) {
      Set<String> seenByFirst = names(first.get(ConfigMap.class));
      first.startAll(30_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> seenByFirst.size() == 1);
      // A new leadership term builds a new set over the running informer.
      try (SharedInformers next = new SharedInformers(pool)) {
        Set<String> seenByNext = names(next.get(ConfigMap.class));
        next.startAll(30_000);
        assertThat(next.hasSynced()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> seenByNext.contains("existing"));
      }
    }
  }

  private int configMapLists() throws InterruptedException {
    int lists = 0;
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      String path = r.getPath();
      if ("GET".equals(r.getMethod())
          && path.startsWith("/api/v1/configmaps")
          && !path.contains("watch=true")) {
        lists++;
      }
    }
    return lists;
  }

  private static Set<String> names(SharedIndexInformer<ConfigMap> informer) {
    List<String> seen = new CopyOnWriteArrayList<>();
    informer.addEventHandler(Handlers.any(c -> seen.add(c.getMetadata().getName())));
    return new LiveNames(seen);
  }

  /** A live view of the names a handler saw, without duplicates. */
  private static final class LiveNames extends java.util.AbstractSet<String> {
    private final List<String> seen;

    LiveNames(List<String> seen) {
      this.seen = seen;
    }

    @Override
    public java.util.Iterator<String> iterator() {
      return Set.copyOf(seen).iterator();
    }

    @Override
    public int size() {
      return Set.copyOf(seen).size();
    }
  }

  private static void create(String name) {
    client
        .configMaps()
        .inNamespace("ns")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("ns")
                .endMetadata()
                .build())
        .create();
  }
}
