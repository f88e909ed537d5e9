package io.kuark.agent.network.routes;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Collection;

/**
 * Where Node changes go. The Node informer is one source; tests feed Node objects directly. Calls
 * may come from any thread and must return quickly.
 */
public interface NodeEvents {

  /** A Node was added or changed. */
  void nodeUpdated(Node node);

  /** A Node was deleted. */
  void nodeDeleted(String name);

  /**
   * The complete set of Nodes (after the first list, and after every re-list). Until this is called
   * once, nothing is removed: a partial view must not look like deleted nodes.
   */
  void nodesListed(Collection<Node> nodes);
}
