package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;

/** Null-safe access to Node fields the API may omit when empty (e.g. {@code spec: {}}). */
public final class Nodes {
  private static final NodeSpec EMPTY = new NodeSpec();

  private Nodes() {}

  /** The node's spec, or an empty one; read-only use. */
  public static NodeSpec spec(Node node) {
    return node.getSpec() == null ? EMPTY : node.getSpec();
  }

  /** The node's spec, created if absent, for building an update. */
  public static NodeSpec writableSpec(Node node) {
    if (node.getSpec() == null) {
      node.setSpec(new NodeSpec());
    }
    return node.getSpec();
  }
}
