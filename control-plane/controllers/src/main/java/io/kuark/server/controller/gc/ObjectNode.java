package io.kuark.server.controller.gc;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kuark.server.controller.discovery.ApiResource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One object in the ownership graph. A virtual node stands for an owner named by some
 * ownerReference but not (yet) observed through any informer.
 */
final class ObjectNode {
  final String uid;
  ApiResource resource;
  String namespace;
  String name;
  boolean virtual = true;
  List<OwnerReference> owners = List.of();
  final Set<String> dependents = new LinkedHashSet<>();
  boolean beingDeleted;
  boolean deletingDependents;
  boolean orphaning;

  ObjectNode(String uid) {
    this.uid = uid;
  }

  OwnerReference ownerRef(String ownerUid) {
    for (OwnerReference r : owners) {
      if (ownerUid.equals(r.getUid())) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return (resource == null ? "?" : resource.kind())
        + " "
        + (namespace == null ? "" : namespace + "/")
        + name
        + " ("
        + uid
        + ")";
  }
}
