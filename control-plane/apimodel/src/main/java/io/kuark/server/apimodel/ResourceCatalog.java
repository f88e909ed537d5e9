package io.kuark.server.apimodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of resources the API serves: built-ins plus registered custom resources.
 *
 * <p>Thread-safe: reads work on an immutable snapshot without locking; {@link #register} and {@link
 * #unregister} replace the snapshot atomically and bump {@link #generation()}, so callers can cache
 * documents derived from the catalog (discovery, OpenAPI) keyed by generation.
 */
public final class ResourceCatalog {

  /**
   * Built-in groups in the order upstream lists them in {@code /apis}; groups not in this list
   * (custom resources) follow alphabetically, as their default group priority is lower.
   */
  static final List<String> GROUP_ORDER =
      List.of(
          "apiregistration.k8s.io",
          "apps",
          "events.k8s.io",
          "authentication.k8s.io",
          "authorization.k8s.io",
          "autoscaling",
          "batch",
          "certificates.k8s.io",
          "networking.k8s.io",
          "policy",
          "rbac.authorization.k8s.io",
          "storage.k8s.io",
          "admissionregistration.k8s.io",
          "apiextensions.k8s.io",
          "scheduling.k8s.io",
          "coordination.k8s.io",
          "node.k8s.io",
          "discovery.k8s.io",
          "flowcontrol.apiserver.k8s.io");

  private record Snapshot(List<ResourceType> types, long generation) {}

  private volatile Snapshot snapshot;

  private ResourceCatalog(List<ResourceType> initial) {
    this.snapshot = new Snapshot(sorted(initial), 0);
  }

  /** A catalog holding every built-in resource this server serves (see {@link BuiltInTypes}). */
  public static ResourceCatalog builtIns() {
    return new ResourceCatalog(BuiltInTypes.all());
  }

  /** A catalog with nothing in it (tests, or building up by hand). */
  public static ResourceCatalog empty() {
    return new ResourceCatalog(List.of());
  }

  /** Every resource, groups in discovery order, resources by plural within a group version. */
  public List<ResourceType> all() {
    return snapshot.types();
  }

  /** Increases on every change; use it as a cache key for derived documents. */
  public long generation() {
    return snapshot.generation();
  }

  /** The resource served at {@code /apis/{group}/{version}/{plural}} (group "" = core). */
  public Optional<ResourceType> find(String group, String version, String plural) {
    for (ResourceType t : snapshot.types()) {
      if (t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The resource of that kind in that group version. */
  public Optional<ResourceType> findByKind(String group, String version, String kind) {
    for (ResourceType t : snapshot.types()) {
      if (t.group().equals(group) && t.version().equals(version) && t.kind().equals(kind)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The resource for an object's {@code apiVersion} and {@code kind}. */
  public Optional<ResourceType> findByApiVersionKind(String apiVersion, String kind) {
    if (apiVersion == null || kind == null) {
      return Optional.empty();
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return findByKind(group, version, kind);
  }

  /** Every resource with that kind, in any group or version (e.g. both {@code Event}s). */
  public List<ResourceType> findByKind(String kind) {
    List<ResourceType> out = new ArrayList<>();
    for (ResourceType t : snapshot.types()) {
      if (t.kind().equals(kind)) {
        out.add(t);
      }
    }
    return out;
  }

  /** The resources of one group version, sorted by plural. Empty when the version is unknown. */
  public List<ResourceType> inGroupVersion(String group, String version) {
    List<ResourceType> out = new ArrayList<>();
    for (ResourceType t : snapshot.types()) {
      if (t.group().equals(group) && t.version().equals(version)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Named groups (not the core group) in discovery order. */
  public List<String> groups() {
    Set<String> out = new LinkedHashSet<>();
    for (ResourceType t : snapshot.types()) {
      if (!t.isCore()) {
        out.add(t.group());
      }
    }
    return List.copyOf(out);
  }

  /** The versions served for a group, preferred first ({@link KubeVersionOrder}). */
  public List<String> versions(String group) {
    Set<String> out = new TreeSet<>(KubeVersionOrder.INSTANCE);
    for (ResourceType t : snapshot.types()) {
      if (t.group().equals(group)) {
        out.add(t.version());
      }
    }
    return List.copyOf(out);
  }

  /** The preferred version of a group, if the group is served. */
  public Optional<String> preferredVersion(String group) {
    List<String> versions = versions(group);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(0));
  }

  /**
   * Adds a resource, replacing one with the same group, version and plural. Custom resources
   * register one {@link ResourceType} per served version.
   */
  public synchronized void register(ResourceType type) {
    List<ResourceType> next = new ArrayList<>();
    for (ResourceType t : snapshot.types()) {
      if (!sameResource(t, type.group(), type.version(), type.plural())) {
        next.add(t);
      }
    }
    next.add(type);
    snapshot = new Snapshot(sorted(next), snapshot.generation() + 1);
  }

  /** Removes one version of a resource; returns false when it was not registered. */
  public synchronized boolean unregister(String group, String version, String plural) {
    List<ResourceType> next = new ArrayList<>();
    boolean removed = false;
    for (ResourceType t : snapshot.types()) {
      if (sameResource(t, group, version, plural)) {
        removed = true;
      } else {
        next.add(t);
      }
    }
    if (removed) {
      snapshot = new Snapshot(sorted(next), snapshot.generation() + 1);
    }
    return removed;
  }

  /** Removes every version of a resource (a deleted CRD); returns how many were removed. */
  public synchronized int unregisterAllVersions(String group, String plural) {
    List<ResourceType> next = new ArrayList<>();
    int removed = 0;
    for (ResourceType t : snapshot.types()) {
      if (t.group().equals(group) && t.plural().equals(plural)) {
        removed++;
      } else {
        next.add(t);
      }
    }
    if (removed > 0) {
      snapshot = new Snapshot(sorted(next), snapshot.generation() + 1);
    }
    return removed;
  }

  private static boolean sameResource(ResourceType t, String group, String version, String plural) {
    return t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural);
  }

  private static List<ResourceType> sorted(List<ResourceType> in) {
    List<ResourceType> out = new ArrayList<>(in);
    Map<String, Integer> rank = new LinkedHashMap<>();
    for (int i = 0; i < GROUP_ORDER.size(); i++) {
      rank.put(GROUP_ORDER.get(i), i);
    }
    Comparator<ResourceType> byGroup =
        (a, b) -> {
          if (a.group().equals(b.group())) {
            return 0;
          }
          if (a.isCore() || b.isCore()) {
            return a.isCore() ? -1 : 1;
          }
          Integer ra = rank.get(a.group());
          Integer rb = rank.get(b.group());
          if (ra != null && rb != null) {
            return Integer.compare(ra, rb);
          }
          if (ra != null || rb != null) {
            return ra != null ? -1 : 1;
          }
          return a.group().compareTo(b.group());
        };
    out.sort(
        byGroup
            .thenComparing(ResourceType::version, KubeVersionOrder.INSTANCE)
            .thenComparing(ResourceType::plural));
    return Collections.unmodifiableList(out);
  }
}
