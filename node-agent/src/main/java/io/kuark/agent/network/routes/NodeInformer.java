package io.kuark.agent.network.routes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Feeds Node events from the API server into {@link NodeEvents}. Starting never fails and never
 * blocks the agent: list/watch errors are retried by the informer for as long as it runs.
 */
public final class NodeInformer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeInformer.class);

  private final SharedIndexInformer<Node> informer;

  private NodeInformer(SharedIndexInformer<Node> informer) {
    this.informer = informer;
  }

  /** Starts watching all Nodes; the first complete list is reported with nodesListed. */
  public static NodeInformer start(KubernetesClient client, NodeEvents events) {
    SharedIndexInformer<Node> informer =
        client.nodes().runnableInformer(Duration.ofMinutes(5).toMillis());
    informer.exceptionHandler(
        (started, error) -> {
          LOG.warnf("node watch failed, retrying: %s", error.getMessage());
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            events.nodeUpdated(node);
          }

          @Override
          public void onUpdate(Node oldNode, Node node) {
            events.nodeUpdated(node);
          }

          @Override
          public void onDelete(Node node, boolean deletedFinalStateUnknown) {
            events.nodeDeleted(node.getMetadata().getName());
          }
        });
    informer
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                events.nodesListed(informer.getStore().list());
              } else {
                LOG.errorf(error, "node informer stopped");
              }
            });
    return new NodeInformer(informer);
  }

  /** Publishes a VTEP MAC as an annotation of the named Node (JSON merge patch). */
  public static NodeRouteManager.VtepPublisher annotationPublisher(KubernetesClient client) {
    return (nodeName, mac) -> {
      String patch =
          "{\"metadata\":{\"annotations\":{\""
              + PeerNode.VTEP_MAC_ANNOTATION
              + "\":\""
              + mac
              + "\"}}}";
      client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      LOG.infof("published VTEP MAC %s on node %s", mac, nodeName);
    };
  }

  @Override
  public void close() {
    informer.stop();
  }
}
