package io.kuark.server.controller.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.discovery.ApiResource;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a controller already watches a type (pods, ReplicaSets, … in the server), the collector
 * builds its graph from that informer instead of a watch of its own, and still collects.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GarbageCollectorSharedWatchTest {
  static KubernetesClient client;
  private TestLoops loops;
  private GarbageCollector gc;

  @BeforeEach
  void start() {
    loops = new TestLoops(client, Clock.systemUTC());
    // A controller of the loop set watches ConfigMaps.
    loops.context().informers().get(ConfigMap.class);
    ApiResource cms =
        new ApiResource(
            "",
            "v1",
            "configmaps",
            "ConfigMap",
            true,
            Set.of("list", "watch", "get", "delete", "update"));
    gc = new GarbageCollector(loops.context(), () -> List.of(cms));
    loops.start();
    gc.start();
  }

  @AfterEach
  void stop() {
    gc.close();
    loops.close();
    client.configMaps().inAnyNamespace().delete();
  }

  @Test
  void usesTheControllersInformerAndCollectsDependentsOfDeletedOwners() {
    ConfigMap owner = create("owner", null);
    create("child", ref(owner.getMetadata().getName(), owner.getMetadata().getUid()));
    ConfigMap keeper = create("keeper", null);
    create("kept-child", ref(keeper.getMetadata().getName(), keeper.getMetadata().getUid()));
    create("orphaned", ref("ghost", "00000000-dead-beef-0000-000000000000"));

    client.configMaps().inNamespace("default").withName("owner").delete();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("child")).isNull());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("orphaned")).isNull());
    assertThat(get("kept-child")).isNotNull();
    assertThat(gc.ownWatches()).isZero();
  }

  private static ConfigMap create(String name, OwnerReference owner) {
    ConfigMapBuilder b =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    return client.configMaps().inNamespace("default").resource(b.build()).create();
  }

  private static OwnerReference ref(String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("ConfigMap")
        .withName(name)
        .withUid(uid)
        .build();
  }

  private static ConfigMap get(String name) {
    return client.configMaps().inNamespace("default").withName(name).get();
  }
}
