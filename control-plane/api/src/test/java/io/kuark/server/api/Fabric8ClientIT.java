package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fabric8 client (CRUD, conflicts, informers) against an in-process API server. */
class Fabric8ClientIT {

  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    client = api.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  @Test
  void systemNamespacesAndKubernetesServiceExist() {
    List<String> names =
        client.namespaces().list().getItems().stream().map(n -> n.getMetadata().getName()).toList();
    assertThat(names).contains("default", "kube-system", "kube-public", "kube-node-lease");
    Namespace ns = client.namespaces().withName("default").get();
    assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
    Service svc = client.services().inNamespace("default").withName("kubernetes").get();
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("10.43.0.1");
  }

  @Test
  void kubeDnsServiceHoldsTheTenthServiceIpWhichTheAllocatorKeeps() {
    Service dns = client.services().inNamespace("kube-system").withName("kube-dns").get();
    assertThat(dns.getSpec().getClusterIP()).isEqualTo("10.43.0.10");
    assertThat(dns.getSpec().getSelector()).isNullOrEmpty();
    assertThat(dns.getMetadata().getLabels()).containsEntry("k8s-app", "kube-dns");
    assertThat(dns.getSpec().getPorts())
        .extracting(p -> p.getName() + " " + p.getPort() + "/" + p.getProtocol())
        .containsExactly("dns 53/UDP", "dns-tcp 53/TCP");
    Service clash =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("clash")
            .endMetadata()
            .withNewSpec()
            .withClusterIP("10.43.0.10")
            .addNewPort()
            .withPort(53)
            .endPort()
            .endSpec()
            .build();
    assertThatThrownBy(() -> client.services().inNamespace("default").resource(clash).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getMessage()).contains("provided IP is already allocated"));
  }

  @Test
  void builtInPriorityClassesExist() {
    assertThat(client.scheduling().v1().priorityClasses().list().getItems())
        .extracting(pc -> pc.getMetadata().getName() + "=" + pc.getValue())
        .contains("system-node-critical=2000001000", "system-cluster-critical=2000000000");
  }

  @Test
  void configMapCrudWithOptimisticConcurrency() {
    ConfigMap created =
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("cm1")
                    .endMetadata()
                    .withData(Map.of("a", "1"))
                    .build())
            .create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
    String rv = created.getMetadata().getResourceVersion();

    ConfigMap edited =
        client
            .configMaps()
            .inNamespace("default")
            .withName("cm1")
            .edit(
                c -> {
                  c.getData().put("b", "2");
                  return c;
                });
    assertThat(edited.getData()).containsEntry("b", "2");
    assertThat(edited.getMetadata().getResourceVersion()).isNotEqualTo(rv);

    ConfigMap stale = created;
    stale.getData().put("c", "3");
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(stale).update())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("default")
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("cm1")
                            .endMetadata()
                            .build())
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

    client.configMaps().inNamespace("default").withName("cm1").delete();
    await().until(() -> client.configMaps().inNamespace("default").withName("cm1").get() == null);
  }

  @Test
  void createInMissingNamespaceIsNotFound() {
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("nope")
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("x")
                            .endMetadata()
                            .build())
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
  }

  @Test
  void deploymentScaleAndStatusSeparation() {
    Deployment d =
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(1)
                    .withNewSelector()
                    .addToMatchLabels("app", "web")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "web")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("web")
                    .withImage("kuark.local/demo:latest")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);

    Deployment scaled = client.apps().deployments().inNamespace("default").withName("web").scale(3);
    Deployment now = client.apps().deployments().inNamespace("default").withName("web").get();
    assertThat(now.getSpec().getReplicas()).isEqualTo(3);
    assertThat(now.getMetadata().getGeneration()).isEqualTo(2L);

    // A status write does not bump generation; a main write cannot change status.
    now.setStatus(
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(3).build());
    Deployment afterStatus =
        client.apps().deployments().inNamespace("default").resource(now).updateStatus();
    assertThat(afterStatus.getStatus().getReplicas()).isEqualTo(3);
    assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(2L);

    Deployment labelled =
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .withName("web")
            .edit(
                x -> {
                  x.getMetadata().setLabels(Map.of("tier", "front"));
                  x.getStatus().setReplicas(99);
                  return x;
                });
    assertThat(labelled.getStatus().getReplicas()).isEqualTo(3);
    assertThat(labelled.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(scaled).isNotNull();
  }

  @Test
  void podBindingAndGracefulDeletion() {
    api.createDefaultServiceAccount("default");
    Pod pod =
        client
            .pods()
            .inNamespace("default")
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("p1")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("busybox")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");

    client
        .bindings()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.BindingBuilder()
                .withNewMetadata()
                .withName("p1")
                .endMetadata()
                .withNewTarget()
                .withKind("Node")
                .withName("node-a")
                .endTarget()
                .build())
        .create();
    Pod bound = client.pods().inNamespace("default").withName("p1").get();
    assertThat(bound.getSpec().getNodeName()).isEqualTo("node-a");

    // Bound pods are only marked for deletion until the node deletes them with grace 0.
    client.pods().inNamespace("default").withName("p1").delete();
    Pod marked = client.pods().inNamespace("default").withName("p1").get();
    assertThat(marked).isNotNull();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);

    client.pods().inNamespace("default").withName("p1").withGracePeriod(0).delete();
    await().until(() -> client.pods().inNamespace("default").withName("p1").get() == null);
  }

  @Test
  void serviceGetsClusterIpAndTakenIpIsInvalid() {
    Service svc =
        client
            .services()
            .inNamespace("default")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .withType("NodePort")
                    .addNewPort()
                    .withPort(80)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    assertThat(svc.getSpec().getClusterIP()).startsWith("10.43.");
    assertThat(svc.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767);

    assertThatThrownBy(
            () ->
                client
                    .services()
                    .inNamespace("default")
                    .resource(
                        new ServiceBuilder()
                            .withNewMetadata()
                            .withName("clash")
                            .endMetadata()
                            .withNewSpec()
                            .withClusterIP(svc.getSpec().getClusterIP())
                            .addNewPort()
                            .withPort(80)
                            .endPort()
                            .endSpec()
                            .build())
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
  }

  @Test
  void informerSeesAddUpdateDelete() throws Exception {
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("inf")
                .endMetadata()
                .build())
        .create();
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer =
        client
            .configMaps()
            .inNamespace("inf")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ConfigMap obj) {
                    seen.add("add:" + obj.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    if (!oldObj
                        .getMetadata()
                        .getResourceVersion()
                        .equals(newObj.getMetadata().getResourceVersion())) {
                      seen.add("update:" + newObj.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onDelete(ConfigMap obj, boolean unknown) {
                    seen.add("delete:" + obj.getMetadata().getName());
                  }
                });
    try {
      await().atMost(Duration.ofSeconds(30)).until(informer::hasSynced);
      client
          .configMaps()
          .inNamespace("inf")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("w")
                  .endMetadata()
                  .withData(Map.of("k", "v"))
                  .build())
          .create();
      client
          .configMaps()
          .inNamespace("inf")
          .withName("w")
          .edit(
              c -> {
                c.getData().put("k", "v2");
                return c;
              });
      client.configMaps().inNamespace("inf").withName("w").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("delete:w"));
      assertThat(seen).containsExactly("add:w", "update:w", "delete:w");
      assertThat(informer.getStore().list()).isEmpty();
    } finally {
      informer.close();
    }
  }
}
