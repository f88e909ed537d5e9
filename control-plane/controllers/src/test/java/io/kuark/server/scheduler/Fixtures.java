package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.UUID;

/** Fake nodes and pods for scheduler tests. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * Binds {@code pod} to {@code node} by editing its {@code spec.nodeName}: the mock API server has
   * no pods/binding subresource, and the scheduler only needs the write to happen.
   */
  public static void bindByUpdate(KubernetesClient client, Pod pod, String node) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              p.getSpec().setNodeName(node);
              return p;
            });
  }

  public static Node node(String name, String cpu, String memory, Taint... taints) {
    Map<String, Quantity> alloc =
        Map.of(
            "cpu", new Quantity(cpu), "memory", new Quantity(memory), "pods", new Quantity("110"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("kubernetes.io/hostname", name))
        .endMetadata()
        .withNewSpec()
        .withTaints(taints)
        .endSpec()
        .withNewStatus()
        .withAllocatable(alloc)
        .withCapacity(alloc)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  public static Pod pod(String name, String cpu, String memory) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .withUid(UUID.randomUUID().toString())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .withNewResources()
            .withRequests(
                cpu == null
                    ? Map.of()
                    : Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
            .endResources()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus();
    return b.build();
  }
}
