package io.kuark.server.controller.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class EndpointControllersTest {
  static KubernetesClient client;

  private static Pod pod(String name, String ip, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static List<EndpointSlice> slices() {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .withLabel("kubernetes.io/service-name", "web")
        .list()
        .getItems();
  }

  @Test
  void slicesAndEndpointsFollowPodReadiness() {
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops
          .with(new EndpointSliceController(loops.context()).controller())
          .with(new EndpointsController(loops.context()).controller())
          .start();
      Service svc =
          new ServiceBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withSelector(Map.of("app", "web"))
              .addNewPort()
              .withName("http")
              .withPort(80)
              .withTargetPort(new IntOrString("http"))
              .endPort()
              .endSpec()
              .build();
      client.services().inNamespace("default").resource(svc).create();
      client.pods().inNamespace("default").resource(pod("a", "10.42.0.5", true)).create();
      client.pods().inNamespace("default").resource(pod("b", "10.42.0.6", false)).create();

      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<EndpointSlice> s = slices();
                assertThat(s).hasSize(1);
                EndpointSlice slice = s.get(0);
                assertThat(slice.getMetadata().getLabels())
                    .containsEntry(
                        "endpointslice.kubernetes.io/managed-by",
                        "endpointslice-controller.k8s.io");
                assertThat(slice.getAddressType()).isEqualTo("IPv4");
                assertThat(slice.getPorts())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.getName()).isEqualTo("http");
                          assertThat(p.getPort()).isEqualTo(8080);
                        });
                assertThat(slice.getEndpoints())
                    .extracting(e -> e.getAddresses().get(0))
                    .containsExactly("10.42.0.5", "10.42.0.6");
                Endpoint b = slice.getEndpoints().get(1);
                assertThat(b.getConditions().getReady()).isFalse();
                assertThat(b.getNodeName()).isEqualTo("node-1");
                assertThat(b.getTargetRef().getName()).isEqualTo("b");
                EndpointSubset subset =
                    client
                        .endpoints()
                        .inNamespace("default")
                        .withName("web")
                        .get()
                        .getSubsets()
                        .get(0);
                assertThat(subset.getAddresses())
                    .extracting(a -> a.getIp())
                    .containsExactly("10.42.0.5");
                assertThat(subset.getNotReadyAddresses())
                    .extracting(a -> a.getIp())
                    .containsExactly("10.42.0.6");
                assertThat(subset.getPorts().get(0).getPort()).isEqualTo(8080);
              });

      client
          .pods()
          .inNamespace("default")
          .withName("b")
          .editStatus(
              p -> {
                p.getStatus().getConditions().get(0).setStatus("True");
                return p;
              });
      client.pods().inNamespace("default").withName("a").delete();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                EndpointSlice slice = slices().get(0);
                assertThat(slice.getEndpoints())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getAddresses()).containsExactly("10.42.0.6");
                          assertThat(e.getConditions().getReady()).isTrue();
                          assertThat(e.getConditions().getServing()).isTrue();
                          assertThat(e.getConditions().getTerminating()).isFalse();
                        });
                EndpointSubset subset =
                    client
                        .endpoints()
                        .inNamespace("default")
                        .withName("web")
                        .get()
                        .getSubsets()
                        .get(0);
                assertThat(subset.getAddresses())
                    .extracting(a -> a.getIp())
                    .containsExactly("10.42.0.6");
                assertThat(subset.getNotReadyAddresses()).isEmpty();
              });
    }
  }
}
