package io.kuark.server.auth.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node authorizer's graph over the per-node pod index. */
class NodeGraphTest {

  static final ObjectMapper JSON = new ObjectMapper();

  final Map<String, JsonNode> live = new HashMap<>();
  final Map<String, JsonNode> claims = new HashMap<>();
  final AtomicInteger lookups = new AtomicInteger();
  final NodePodIndex index =
      new NodePodIndex(
          (ns, name) -> {
            lookups.incrementAndGet();
            return live.get(ns + "/" + name);
          });
  final NodeGraph graph = new NodeGraph(index, (ns, name) -> claims.get(ns + "/" + name));

  void put(String ns, String name, String node, String secret) throws Exception {
    live.put(
        ns + "/" + name,
        JSON.readTree(
            "{\"metadata\":{\"namespace\":\""
                + ns
                + "\",\"name\":\""
                + name
                + "\"},\"spec\":{\"nodeName\":\""
                + node
                + "\",\"serviceAccountName\":\"sa-"
                + name
                + "\",\"volumes\":[{\"name\":\"s\",\"secret\":{\"secretName\":\""
                + secret
                + "\"}},{\"name\":\"c\",\"persistentVolumeClaim\":{\"claimName\":\"claim-"
                + name
                + "\"}}],\"containers\":[{\"name\":\"c\",\"envFrom\":[{\"configMapRef\":"
                + "{\"name\":\"cm-"
                + name
                + "\"}}]}]}}"));
    index.changed(ns, name);
  }

  void delete(String ns, String name) {
    live.remove(ns + "/" + name);
    index.changed(ns, name);
  }

  @Test
  void answersFromTheAskingNodesPodsOnly() throws Exception {
    for (int i = 0; i < 1000; i++) {
      put("ns", "a" + i, "node-a", "secret-a" + i);
    }
    put("ns", "b0", "node-b", "secret-b");
    claims.put("ns/claim-b0", JSON.readTree("{\"spec\":{\"volumeName\":\"pv-b\"}}"));
    lookups.set(0);
    assertThat(graph.usesSecret("node-b", "ns", "secret-a7")).isFalse();
    assertThat(graph.usesSecret("node-b", "other", "secret-b")).isFalse();
    // Node b's checks never look at node a's thousand pods.
    assertThat(lookups.get()).isZero();
    assertThat(graph.usesSecret("node-b", "ns", "secret-b")).isTrue();
    assertThat(graph.usesConfigMap("node-b", "ns", "cm-b0")).isTrue();
    assertThat(graph.usesClaim("node-b", "ns", "claim-b0")).isTrue();
    assertThat(graph.usesServiceAccount("node-b", "ns", "sa-b0")).isTrue();
    assertThat(graph.usesVolume("node-b", "pv-b")).isTrue();
    assertThat(graph.usesVolume("node-a", "pv-b")).isFalse();
    assertThat(lookups.get()).isLessThanOrEqualTo(5);
    assertThat(graph.usesSecret("node-a", "ns", "secret-a999")).isTrue();
  }

  @Test
  void followsRebindingUpdatesAndDeletes() throws Exception {
    put("ns", "p", "node-a", "s1");
    assertThat(graph.usesSecret("node-a", "ns", "s1")).isTrue();
    put("ns", "p", "node-a", "s2"); // the pod now refers to another secret
    assertThat(graph.usesSecret("node-a", "ns", "s1")).isFalse();
    assertThat(graph.usesSecret("node-a", "ns", "s2")).isTrue();
    delete("ns", "p");
    assertThat(graph.usesSecret("node-a", "ns", "s2")).isFalse();
    assertThat(index.podsOn("node-a")).isEmpty();
    // An entry whose pod vanished without an event (a watch gap) grants nothing.
    put("ns", "q", "node-a", "s3");
    live.remove("ns/q");
    assertThat(graph.usesSecret("node-a", "ns", "s3")).isFalse();
    assertThat(graph.podOnNode("node-a", "ns", "q")).isFalse();
  }
}
