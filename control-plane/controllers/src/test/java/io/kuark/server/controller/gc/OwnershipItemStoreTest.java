package io.kuark.server.controller.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collector's cache keeps what the ownership graph reads and nothing else. */
class OwnershipItemStoreTest {

  @Test
  void keepsIdentityOwnersFinalizersAndDeletionDropsContentAndOtherMetadata() {
    GenericKubernetesResource cm = new GenericKubernetesResource();
    cm.setApiVersion("v1");
    cm.setKind("ConfigMap");
    cm.setMetadata(
        new ObjectMetaBuilder()
            .withName("child")
            .withNamespace("ns")
            .withUid("u-1")
            .withResourceVersion("42")
            .withDeletionTimestamp("2026-11-27T19:00:00Z")
            .withFinalizers("foregroundDeletion")
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("ConfigMap")
                    .withName("parent")
                    .withUid("u-0")
                    .build())
            .withLabels(Map.of("app", "x"))
            .withAnnotations(Map.of("note", "y".repeat(1000)))
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .build());
    cm.setAdditionalProperty("data", Map.of("big", "z".repeat(4096)));

    OwnershipItemStore store = new OwnershipItemStore();
    store.put(store.getKey(cm), cm);
    GenericKubernetesResource cached = store.get("ns/child");

    assertThat(cached.getApiVersion()).isEqualTo("v1");
    assertThat(cached.getKind()).isEqualTo("ConfigMap");
    assertThat(cached.getMetadata().getName()).isEqualTo("child");
    assertThat(cached.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(cached.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getDeletionTimestamp()).isEqualTo("2026-11-27T19:00:00Z");
    assertThat(cached.getMetadata().getFinalizers()).isEqualTo(List.of("foregroundDeletion"));
    assertThat(cached.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo("u-0"));
    assertThat(cached.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getAdditionalProperties()).isEmpty();
  }
}
