package io.kuark.agent.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the NoSchedule taints upstream puts on a node under pressure ({@code
 * node.kubernetes.io/memory-pressure}, {@code disk-pressure}, {@code pid-pressure}) in line with
 * the node's pressure conditions. Other taints are never touched; the update is a compare-and-swap
 * on the Node's resourceVersion (fabric8's edit), retried on conflict.
 */
final class PressureTaints {

  static final Map<String, String> TAINTS =
      Map.of(
          "MemoryPressure", "node.kubernetes.io/memory-pressure",
          "DiskPressure", "node.kubernetes.io/disk-pressure",
          "PIDPressure", "node.kubernetes.io/pid-pressure");

  private PressureTaints() {}

  static void apply(KubernetesClient client, String nodeName, Set<String> pressures) {
    for (int attempt = 0; ; attempt++) {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        return;
      }
      List<Taint> current =
          node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
      List<Taint> desired = desired(current, pressures);
      if (desired.equals(current)) {
        return;
      }
      node.getSpec().setTaints(desired);
      try {
        client.nodes().resource(node).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  static List<Taint> desired(List<Taint> current, Set<String> pressures) {
    List<Taint> result = new ArrayList<>();
    for (Taint taint : current) {
      if (!TAINTS.containsValue(taint.getKey())) {
        result.add(taint);
      }
    }
    for (String condition : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
      if (pressures.contains(condition)) {
        result.add(new Taint("NoSchedule", TAINTS.get(condition), null, null));
      }
    }
    // Keep the existing order when only unrelated taints are there and nothing changed.
    if (result.size() == current.size() && result.containsAll(current)) {
      return current;
    }
    return result;
  }
}
