package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.QuietMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The shared informers cache objects without managedFields, as upstream's controller manager, and
 * ConfigMaps and Secrets without their payload, which no in-process controller reads.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SharedInformersTest {
  static KubernetesClient client;

  @Test
  void cachedAndDeliveredObjectsCarryNoManagedFieldsNorPayloadButEverythingElse() {
    QuietMockServer.install();
    client.configMaps().inNamespace("ns").resource(configMap("before")).create();
    try (SharedInformers informers = new SharedInformers(client)) {
      SharedIndexInformer<ConfigMap> informer = informers.get(ConfigMap.class);
      List<ConfigMap> delivered = new CopyOnWriteArrayList<>();
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
              delivered.add(obj);
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
              delivered.add(newObj);
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {}
          });
      Lister<ConfigMap> lister = informers.lister(ConfigMap.class);
      informers.startAll(30_000);
      // One object from the initial list, one from the watch.
      client.configMaps().inNamespace("ns").resource(configMap("after")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lister.namespace("ns").list().size() == 2 && delivered.size() == 2);

      for (String name : List.of("before", "after")) {
        ConfigMap cached = lister.namespace("ns").get(name);
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getLabels()).containsEntry("app", "bench");
        assertThat(cached.getData()).isNull();
        assertThat(cached.getBinaryData()).isNull();
      }
      assertThat(delivered)
          .allSatisfy(c -> assertThat(c.getMetadata().getManagedFields()).isNullOrEmpty())
          .allSatisfy(c -> assertThat(c.getData()).isNull());
      // What the API stores keeps them: only the cache is trimmed.
      assertThat(client.configMaps().inNamespace("ns").withName("after").get().getData())
          .containsEntry("key", "value-after");
      assertThat(
              client
                  .configMaps()
                  .inNamespace("ns")
                  .withName("after")
                  .get()
                  .getMetadata()
                  .getManagedFields())
          .hasSize(1);
    }
  }

  @Test
  void cachedSecretsKeepTheirMetadataButNoPayload() {
    QuietMockServer.install();
    client
        .secrets()
        .inNamespace("ns")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("token")
                .withNamespace("ns")
                .withLabels(Map.of("app", "bench"))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("key", "dmFsdWU="))
                .withStringData(Map.of("plain", "value"))
                .build())
        .create();
    try (SharedInformers informers = new SharedInformers(client)) {
      Lister<Secret> lister = informers.lister(Secret.class);
      informers.startAll(30_000);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lister.namespace("ns").get("token") != null);
      Secret cached = lister.namespace("ns").get("token");
      assertThat(cached.getMetadata().getLabels()).containsEntry("app", "bench");
      assertThat(cached.getType()).isEqualTo("Opaque");
      assertThat(cached.getData()).isNull();
      assertThat(cached.getStringData()).isNull();
    }
  }

  private static FieldsV1 fields() {
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:data", Map.of("f:key", Map.of()));
    return fields;
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ns")
        .withLabels(Map.of("app", "bench"))
        .withManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager("bench")
                .withOperation("Update")
                .withApiVersion("v1")
                .withFieldsType("FieldsV1")
                .withFieldsV1(fields())
                .build())
        .endMetadata()
        .withData(Map.of("key", "value-" + name))
        .build();
  }
}
