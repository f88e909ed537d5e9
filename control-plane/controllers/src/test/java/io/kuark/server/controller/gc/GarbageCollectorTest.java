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
 * The collector over ConfigMaps owned by ConfigMaps (any kinds work alike). The mock API does not
 * add propagation finalizers itself, so foreground/orphan owners are created carrying the finalizer
 * the API server would add; deleting them then sets deletionTimestamp as the API server does.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GarbageCollectorTest {
  static KubernetesClient client;
  private TestLoops loops;
  private GarbageCollector gc;

  @BeforeEach
  void start() {
    loops = new TestLoops(client, Clock.systemUTC());
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

  private static ConfigMap create(String name, OwnerReference owner, String deletedFinalizer) {
    ConfigMapBuilder b =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    if (deletedFinalizer != null) {
      b.editMetadata().withFinalizers(deletedFinalizer).endMetadata();
    }
    return client.configMaps().inNamespace("default").resource(b.build()).create();
  }

  private static OwnerReference ref(ConfigMap owner, boolean block) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("ConfigMap")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withBlockOwnerDeletion(block)
        .build();
  }

  private static ConfigMap get(String name) {
    return client.configMaps().inNamespace("default").withName(name).get();
  }

  @Test
  void dependentsOfADeletedOwnerAreCollectedAndOthersStay() {
    ConfigMap owner = create("owner", null, null);
    create("child", ref(owner, false), null);
    ConfigMap keeper = create("keeper", null, null);
    create("kept-child", ref(keeper, false), null);
    client.configMaps().inNamespace("default").withName("owner").delete();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("child")).isNull());
    assertThat(get("kept-child")).isNotNull();
    // No controller of this loop set watches ConfigMaps: the collector watches them itself.
    assertThat(gc.ownWatches()).isEqualTo(1);
  }

  @Test
  void aDependentWhoseOwnerNeverExistedIsCollected() {
    OwnerReference ghost =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withName("ghost")
            .withUid("00000000-dead-beef-0000-000000000000")
            .build();
    create("orphaned", ghost, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("orphaned")).isNull());
  }

  @Test
  void aDanglingReferenceIsRemovedWhileAnotherOwnerRemains() {
    ConfigMap owner = create("live-owner", null, null);
    OwnerReference ghost =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withName("ghost2")
            .withUid("00000000-dead-beef-0000-000000000001")
            .build();
    ConfigMap child =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("two-owners")
            .withNamespace("default")
            .withOwnerReferences(ref(owner, false), ghost)
            .endMetadata()
            .build();
    client.configMaps().inNamespace("default").resource(child).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(get("two-owners").getMetadata().getOwnerReferences())
                    .extracting(OwnerReference::getName)
                    .containsExactly("live-owner"));
  }

  @Test
  void foregroundDeletionRemovesBlockingDependentsThenTheFinalizer() {
    ConfigMap owner = create("fg-owner", null, "foregroundDeletion");
    create("fg-child", ref(owner, true), null);
    client.configMaps().inNamespace("default").withName("fg-owner").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(get("fg-child")).isNull();
              // With the finalizer gone the API server (here: the mock) removes the owner.
              assertThat(get("fg-owner")).isNull();
            });
  }

  @Test
  void orphanDeletionStripsOwnerReferencesThenTheFinalizer() {
    ConfigMap owner = create("or-owner", null, "orphan");
    create("or-child", ref(owner, true), null);
    client.configMaps().inNamespace("default").withName("or-owner").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(get("or-child").getMetadata().getOwnerReferences()).isEmpty();
              assertThat(get("or-owner")).isNull();
            });
    assertThat(get("or-child")).isNotNull();
  }
}
