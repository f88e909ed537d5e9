package io.kuark.server.controller.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.discovery.ApiResource;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class ResourceQuotaControllerTest {
  static KubernetesClient client;

  static final ApiResource DEPLOYMENTS =
      new ApiResource("apps", "v1", "deployments", "Deployment", true, Set.of("list"));

  @Test
  void statusFollowsTheNamespaceObjectsAndReleasesDeletedOnes() {
    String ns = "quota-a";
    client.pods().inNamespace(ns).resource(pod("running", "250m", null)).create();
    client.pods().inNamespace(ns).resource(pod("done", "1", "Succeeded")).create();
    client.pods().inNamespace(ns).resource(pod("other", "500m", null)).create();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(new DeploymentBuilder().withNewMetadata().withName("d").endMetadata().build())
        .create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops
          .with(
              new ResourceQuotaController(loops.context(), () -> List.of(DEPLOYMENTS)).controller())
          .start();
      client
          .resourceQuotas()
          .inNamespace(ns)
          .resource(
              new ResourceQuotaBuilder()
                  .withNewMetadata()
                  .withName("q")
                  .endMetadata()
                  .withNewSpec()
                  .withHard(
                      Map.of(
                          "pods", new Quantity("10"),
                          "count/pods", new Quantity("10"),
                          "requests.cpu", new Quantity("2000m"),
                          "configmaps", new Quantity("5"),
                          "count/deployments.apps", new Quantity("3"),
                          "services", new Quantity("1")))
                  .endSpec()
                  .build())
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName("q").get();
                assertThat(q.getStatus().getHard().get("requests.cpu").toString()).isEqualTo("2");
                Map<String, Quantity> used = q.getStatus().getUsed();
                // The finished pod costs no compute and no "pods", but still counts as an object.
                assertThat(used.get("pods").toString()).isEqualTo("2");
                assertThat(used.get("count/pods").toString()).isEqualTo("3");
                assertThat(used.get("requests.cpu").toString()).isEqualTo("750m");
                assertThat(used.get("configmaps").toString()).isEqualTo("1");
                assertThat(used.get("count/deployments.apps").toString()).isEqualTo("1");
                assertThat(used.get("services").toString()).isEqualTo("0");
              });
      client.pods().inNamespace(ns).withName("other").delete();
      client.configMaps().inNamespace(ns).withName("cm").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                Map<String, Quantity> used =
                    client
                        .resourceQuotas()
                        .inNamespace(ns)
                        .withName("q")
                        .get()
                        .getStatus()
                        .getUsed();
                assertThat(used.get("pods").toString()).isEqualTo("1");
                assertThat(used.get("requests.cpu").toString()).isEqualTo("250m");
                assertThat(used.get("configmaps").toString()).isEqualTo("0");
              });
    }
  }

  static io.fabric8.kubernetes.api.model.Pod pod(String name, String cpu, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .withNewResources()
        .addToRequests("cpu", new Quantity(cpu))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
