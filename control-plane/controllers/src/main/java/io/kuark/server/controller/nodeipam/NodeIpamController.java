package io.kuark.server.controller.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Gives every Node a {@code spec.podCIDR}/{@code podCIDRs} from the cluster CIDR. Before allocating
 * it marks every CIDR already on a Node as taken, so restarts and concurrent nodes never get
 * duplicates; an assignment is written with the Node's resourceVersion (CAS).
 */
public final class NodeIpamController {
  private final KubernetesClient client;
  private final Lister<Node> nodes;
  private final CidrAllocator allocator;
  private final EventRecorder events;
  private final Controller controller;

  public NodeIpamController(LoopContext ctx, String clusterCidr, int nodeMaskSize) {
    this.client = ctx.client();
    this.nodes = ctx.informers().lister(Node.class);
    this.allocator = new CidrAllocator(clusterCidr, nodeMaskSize);
    this.events = ctx.recorder("node-ipam-controller");
    // One worker: allocation decisions are serialised.
    this.controller = ctx.controller("nodeipam", this::sync, 1);
    ctx.informers()
        .get(Node.class)
        .addEventHandler(
            Handlers.of(
                n -> controller.enqueue(n.getMetadata().getName()),
                (o, n) -> controller.enqueue(n.getMetadata().getName()),
                this::nodeDeleted));
  }

  public Controller controller() {
    return controller;
  }

  private void nodeDeleted(Node node) {
    String cidr = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    if (cidr == null) {
      return;
    }
    for (Node other : nodes.list()) {
      if (cidr.equals(io.kuark.server.controller.runtime.Nodes.spec(other).getPodCIDR())) {
        return;
      }
    }
    allocator.release(cidr);
  }

  Optional<Duration> sync(String name) {
    Node node = nodes.get(name);
    if (node == null) {
      return Optional.empty();
    }
    for (Node n : nodes.list()) {
      if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
        allocator.occupy(n.getSpec().getPodCIDR());
      }
    }
    if (node.getSpec() != null
        && node.getSpec().getPodCIDR() != null
        && !node.getSpec().getPodCIDR().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> cidr = allocator.allocate();
    if (cidr.isEmpty()) {
      events.warning(node, "CIDRNotAvailable", "Node " + name + " status is now: CIDRNotAvailable");
      return Optional.of(Duration.ofSeconds(30));
    }
    Node copy = client.getKubernetesSerialization().clone(node);
    io.kuark.server.controller.runtime.Nodes.writableSpec(copy).setPodCIDR(cidr.get());
    io.kuark.server.controller.runtime.Nodes.writableSpec(copy).setPodCIDRs(List.of(cidr.get()));
    try {
      client.nodes().resource(copy).update();
    } catch (RuntimeException e) {
      allocator.release(cidr.get());
      throw e;
    }
    events.normal(
        node, "CIDRAssignmentSucceeded", "Node " + name + " was assigned pod CIDR " + cidr.get());
    return Optional.empty();
  }
}
