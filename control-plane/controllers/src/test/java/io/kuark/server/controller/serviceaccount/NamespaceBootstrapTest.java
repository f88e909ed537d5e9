package io.kuark.server.controller.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class NamespaceBootstrapTest {
  static KubernetesClient client;
  static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

  @Test
  void everyNamespaceGetsDefaultServiceAccountAndRootCaThatComeBackAfterDeletion() {
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops
          .with(new ServiceAccountController(loops.context()).controller())
          .with(new RootCaPublisher(loops.context(), PEM).controller())
          .start();
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
          .create();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(client.serviceAccounts().inNamespace("team-a").withName("default").get())
                    .isNotNull();
                ConfigMap cm =
                    client.configMaps().inNamespace("team-a").withName("kube-root-ca.crt").get();
                assertThat(cm.getData()).containsEntry("ca.crt", PEM);
                assertThat(cm.getMetadata().getAnnotations())
                    .containsKey("kubernetes.io/description");
              });
      client.serviceAccounts().inNamespace("team-a").withName("default").delete();
      client
          .configMaps()
          .inNamespace("team-a")
          .withName("kube-root-ca.crt")
          .edit(
              cm -> {
                cm.getData().put("ca.crt", "tampered");
                return cm;
              });
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(client.serviceAccounts().inNamespace("team-a").withName("default").get())
                    .isNotNull();
                assertThat(
                        client
                            .configMaps()
                            .inNamespace("team-a")
                            .withName("kube-root-ca.crt")
                            .get()
                            .getData())
                    .containsEntry("ca.crt", PEM);
              });
    }
  }

  @Test
  void readsBase64CaDataFromTheClientConfig() {
    io.fabric8.kubernetes.client.Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder()
            .withCaCertData(
                java.util.Base64.getEncoder()
                    .encodeToString(PEM.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .build();
    assertThat(ClusterCa.pem(config)).contains(PEM);
  }
}
