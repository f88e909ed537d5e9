package io.kuark.server.controller.gc;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kuark.server.controller.discovery.ApiResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ownerReferences graph of every observed object, keyed by uid. Informer handlers feed it; each
 * change returns the uids the collector must look at. Thread-safe.
 */
final class OwnerGraph {
  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";

  private final Map<String, ObjectNode> nodes = new HashMap<>();

  /** Records {@code obj}'s current state; returns uids needing attention. */
  synchronized Set<String> observe(HasMetadata obj, ApiResource resource) {
    String uid = obj.getMetadata().getUid();
    Set<String> dirty = new LinkedHashSet<>();
    if (uid == null) {
      return dirty;
    }
    ObjectNode n = nodes.computeIfAbsent(uid, ObjectNode::new);
    boolean wasDeletingDependents = n.deletingDependents;
    n.virtual = false;
    n.resource = resource;
    n.namespace = obj.getMetadata().getNamespace();
    n.name = obj.getMetadata().getName();
    List<String> finalizers =
        obj.getMetadata().getFinalizers() == null ? List.of() : obj.getMetadata().getFinalizers();
    n.beingDeleted = obj.getMetadata().getDeletionTimestamp() != null;
    n.deletingDependents = n.beingDeleted && finalizers.contains(FOREGROUND);
    n.orphaning = n.beingDeleted && finalizers.contains(ORPHAN);
    List<OwnerReference> newOwners =
        obj.getMetadata().getOwnerReferences() == null
            ? List.of()
            : new ArrayList<>(obj.getMetadata().getOwnerReferences());
    for (OwnerReference old : n.owners) {
      if (findUid(newOwners, old.getUid()) == null) {
        ObjectNode owner = nodes.get(old.getUid());
        if (owner != null) {
          owner.dependents.remove(uid);
          dropIfUnused(owner);
          if (owner.deletingDependents) {
            dirty.add(owner.uid);
          }
        }
      }
    }
    for (OwnerReference ref : newOwners) {
      ObjectNode owner = nodes.computeIfAbsent(ref.getUid(), ObjectNode::new);
      owner.dependents.add(uid);
      if (owner.virtual || owner.beingDeleted) {
        dirty.add(uid);
      }
    }
    n.owners = newOwners;
    if (n.deletingDependents || n.orphaning) {
      dirty.add(uid);
    }
    if (n.deletingDependents && !wasDeletingDependents) {
      dirty.addAll(n.dependents);
    }
    return dirty;
  }

  /** Forgets a deleted object; returns its dependents and any owner waiting on it. */
  synchronized Set<String> remove(HasMetadata obj) {
    String uid = obj.getMetadata().getUid();
    Set<String> dirty = new LinkedHashSet<>();
    ObjectNode n = nodes.get(uid);
    if (n == null) {
      return dirty;
    }
    for (OwnerReference ref : n.owners) {
      ObjectNode owner = nodes.get(ref.getUid());
      if (owner != null) {
        owner.dependents.remove(uid);
        if (owner.deletingDependents) {
          dirty.add(owner.uid);
        }
        dropIfUnused(owner);
      }
    }
    n.owners = List.of();
    dirty.addAll(n.dependents);
    if (n.dependents.isEmpty()) {
      nodes.remove(uid);
    } else {
      // Dependents still point here: keep a virtual node so they are found as orphans.
      n.virtual = true;
      n.beingDeleted = false;
      n.deletingDependents = false;
      n.orphaning = false;
    }
    return dirty;
  }

  private void dropIfUnused(ObjectNode n) {
    if (n.virtual && n.dependents.isEmpty()) {
      nodes.remove(n.uid);
    }
  }

  synchronized ObjectNode get(String uid) {
    ObjectNode n = nodes.get(uid);
    return n == null ? null : snapshot(n);
  }

  synchronized List<ObjectNode> dependents(String uid) {
    ObjectNode n = nodes.get(uid);
    List<ObjectNode> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    for (String d : n.dependents) {
      ObjectNode dep = nodes.get(d);
      if (dep != null && !dep.virtual) {
        out.add(snapshot(dep));
      }
    }
    return out;
  }

  synchronized int size() {
    return nodes.size();
  }

  private static ObjectNode snapshot(ObjectNode n) {
    ObjectNode c = new ObjectNode(n.uid);
    c.resource = n.resource;
    c.namespace = n.namespace;
    c.name = n.name;
    c.virtual = n.virtual;
    c.owners = new ArrayList<>(n.owners);
    c.dependents.addAll(n.dependents);
    c.beingDeleted = n.beingDeleted;
    c.deletingDependents = n.deletingDependents;
    c.orphaning = n.orphaning;
    return c;
  }

  private static OwnerReference findUid(List<OwnerReference> refs, String uid) {
    for (OwnerReference r : refs) {
      if (uid.equals(r.getUid())) {
        return r;
      }
    }
    return null;
  }
}
