package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.strategy.DeleteOptions;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What a delete does to an object's dependents, as upstream's generic registry decides it: the
 * {@code orphan} finalizer for Orphan (or {@code orphanDependents=true}), {@code
 * foregroundDeletion} for Foreground, neither for Background. An explicit option wins over a
 * finalizer already on the object, which wins over the type's default (Orphan only for core
 * ReplicationControllers, as upstream keeps it for v1; everything else defaults to Background). The
 * garbage collector acts on the finalizers and removes them.
 */
final class DependentsPolicy {

  static final String ORPHAN = "orphan";
  static final String FOREGROUND = "foregroundDeletion";

  private DependentsPolicy() {}

  /** The object's finalizers after applying the policy, or empty when they stay as they are. */
  static Optional<List<String>> finalizers(
      ResourceType type, JsonNode object, DeleteOptions options) {
    List<String> current = Meta.finalizers(object);
    boolean orphan = orphan(type, current, options);
    boolean foreground = foreground(current, options);
    List<String> next = new ArrayList<>();
    for (String f : current) {
      if (!f.equals(ORPHAN) && !f.equals(FOREGROUND)) {
        next.add(f);
      }
    }
    if (orphan) {
      next.add(ORPHAN);
    }
    if (foreground) {
      next.add(FOREGROUND);
    }
    if (new HashSet<>(next).equals(new HashSet<>(current))) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  private static boolean orphan(ResourceType type, List<String> finalizers, DeleteOptions o) {
    if (o.orphanDependents() != null) {
      return o.orphanDependents();
    }
    if (o.propagationPolicy() != null) {
      return o.propagationPolicy().equals("Orphan");
    }
    for (String f : finalizers) {
      if (f.equals(ORPHAN)) {
        return true;
      }
      if (f.equals(FOREGROUND)) {
        return false;
      }
    }
    return type.isCore() && type.plural().equals("replicationcontrollers");
  }

  private static boolean foreground(List<String> finalizers, DeleteOptions o) {
    if (o.orphanDependents() != null) {
      return false;
    }
    if (o.propagationPolicy() != null) {
      return o.propagationPolicy().equals("Foreground");
    }
    for (String f : finalizers) {
      if (f.equals(FOREGROUND)) {
        return true;
      }
      if (f.equals(ORPHAN)) {
        return false;
      }
    }
    return false;
  }
}
