package io.kuark.server.apimodel.quota;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an object costs against a ResourceQuota, with upstream's evaluators: pods (compute
 * requests/limits, {@code pods}, {@code count/pods}), services (load balancers, node ports),
 * persistent volume claims (storage, per storage class), the legacy object counts and {@code
 * count/<resource>.<group>} for every other type. Objects are JSON trees, so the API server's
 * admission and the quota controller share this code.
 */
public final class QuotaUsage {

  static final String STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

  private static final Set<String> LEGACY_COUNTED =
      Set.of(
          "pods",
          "services",
          "replicationcontrollers",
          "resourcequotas",
          "secrets",
          "configmaps",
          "persistentvolumeclaims");

  private static final List<String> POD_RESOURCES =
      List.of(
          "cpu",
          "memory",
          "ephemeral-storage",
          "requests.cpu",
          "requests.memory",
          "requests.ephemeral-storage",
          "limits.cpu",
          "limits.memory",
          "limits.ephemeral-storage",
          "pods");

  /** The resources whose quota forces every container to state them (upstream's validationSet). */
  private static final Set<String> CONTAINER_REQUIRED =
      Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory");

  private QuotaUsage() {}

  /** {@code count/pods}, {@code count/deployments.apps}: the object count name of a resource. */
  public static String countName(String group, String plural) {
    return group.isEmpty() ? "count/" + plural : "count/" + plural + "." + group;
  }

  /** Of {@code names} (a quota's hard names), those an object of this resource is charged for. */
  public static List<String> matchingResources(
      String group, String plural, Collection<String> names) {
    List<String> out = new ArrayList<>();
    boolean core = group.isEmpty();
    for (String n : names) {
      if (n.equals(countName(group, plural))
          || (core && LEGACY_COUNTED.contains(plural) && n.equals(plural))) {
        out.add(n);
      } else if (core && plural.equals("pods") && podResource(n)) {
        out.add(n);
      } else if (core
          && plural.equals("services")
          && (n.equals("services.loadbalancers") || n.equals("services.nodeports"))) {
        out.add(n);
      } else if (core
          && plural.equals("persistentvolumeclaims")
          && (n.equals("requests.storage") || n.contains(STORAGE_CLASS_SUFFIX))) {
        out.add(n);
      }
    }
    return out;
  }

  private static boolean podResource(String n) {
    return POD_RESOURCES.contains(n)
        || n.startsWith("hugepages-")
        || n.startsWith("requests.hugepages-")
        || (n.startsWith("requests.") && n.contains("/"));
  }

  /** Whether creates (and, for these kinds, updates) of the resource change quota usage. */
  public static boolean chargedOnUpdate(String group, String plural) {
    return group.isEmpty()
        && (plural.equals("services") || plural.equals("persistentvolumeclaims"));
  }

  /**
   * Whether the quota applies to the object: its scopes and scope selector (pods only; a scoped
   * quota matches no other kind, as upstream) and at least one tracked resource.
   */
  public static boolean matches(JsonNode quota, String group, String plural, JsonNode object) {
    JsonNode spec = quota.path("spec");
    List<String> hard = new ArrayList<>();
    spec.path("hard").fieldNames().forEachRemaining(hard::add);
    if (matchingResources(group, plural, hard).isEmpty()) {
      return false;
    }
    boolean pod = group.isEmpty() && plural.equals("pods");
    for (JsonNode scope : spec.path("scopes")) {
      if (!pod || !podMatchesScope(scope.asText(), "Exists", List.of(), object)) {
        return false;
      }
    }
    for (JsonNode req : spec.path("scopeSelector").path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      req.path("values").forEach(v -> values.add(v.asText()));
      if (!pod
          || !podMatchesScope(
              req.path("scopeName").asText(), req.path("operator").asText(), values, object)) {
        return false;
      }
    }
    return true;
  }

  static boolean podMatchesScope(String scope, String operator, List<String> values, JsonNode pod) {
    switch (scope) {
      case "Terminating":
        return terminating(pod);
      case "NotTerminating":
        return !terminating(pod);
      case "BestEffort":
        return bestEffort(pod);
      case "NotBestEffort":
        return !bestEffort(pod);
      case "CrossNamespacePodAffinity":
        return crossNamespaceAffinity(pod);
      case "PriorityClass":
        String pc = pod.path("spec").path("priorityClassName").asText("");
        switch (operator) {
          case "Exists":
            return !pc.isEmpty();
          case "DoesNotExist":
            return pc.isEmpty();
          case "In":
            return !pc.isEmpty() && values.contains(pc);
          case "NotIn":
            return pc.isEmpty() || !values.contains(pc);
          default:
            return false;
        }
      default:
        return false;
    }
  }

  private static boolean terminating(JsonNode pod) {
    JsonNode d = pod.path("spec").path("activeDeadlineSeconds");
    return d.isNumber() && d.asLong() >= 0;
  }

  private static boolean bestEffort(JsonNode pod) {
    for (JsonNode c : containers(pod)) {
      for (String part : new String[] {"requests", "limits"}) {
        JsonNode list = c.path("resources").path(part);
        for (String r : new String[] {"cpu", "memory"}) {
          if (list.has(r) && !ResourceList.of(list).mask(List.of(r)).withoutZeros().isEmpty()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean crossNamespaceAffinity(JsonNode pod) {
    JsonNode affinity = pod.path("spec").path("affinity");
    for (String kind : new String[] {"podAffinity", "podAntiAffinity"}) {
      JsonNode a = affinity.path(kind);
      for (JsonNode t : a.path("requiredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespaceTerm(t)) {
          return true;
        }
      }
      for (JsonNode t : a.path("preferredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespaceTerm(t.path("podAffinityTerm"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean crossNamespaceTerm(JsonNode term) {
    return term.path("namespaces").size() > 0 || term.path("namespaceSelector").isObject();
  }

  /**
   * Upstream's pod constraint for quotas on cpu/memory: every container must state the tracked
   * resource. Returns the error text ({@code must specify limits.cpu for: app; ...}) or null.
   */
  public static String podConstraintViolation(JsonNode pod, Collection<String> tracked) {
    TreeSet<String> required = new TreeSet<>();
    for (String t : tracked) {
      if (CONTAINER_REQUIRED.contains(t)) {
        required.add(t);
      }
    }
    if (required.isEmpty()) {
      return null;
    }
    TreeMap<String, TreeSet<String>> missing = new TreeMap<>();
    for (JsonNode c : containers(pod)) {
      Set<String> has = containerUsage(c).names();
      for (String r : required) {
        if (!has.contains(r)) {
          missing.computeIfAbsent(r, k -> new TreeSet<>()).add(c.path("name").asText());
        }
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((r, names) -> parts.add(r + " for: " + String.join(",", names)));
    return "must specify " + String.join("; ", parts);
  }

  /** The usage of one object of the resource at {@code now}. */
  public static ResourceList usage(String group, String plural, JsonNode object, Instant now) {
    ResourceList out = new ResourceList();
    Quantity one = Quantity.of(1);
    out.put(countName(group, plural), one);
    if (!group.isEmpty()) {
      return out;
    }
    switch (plural) {
      case "pods":
        if (chargedForCompute(object, now)) {
          out = out.plus(podCompute(object));
        }
        return out;
      case "services":
        out.put("services", one);
        String type = object.path("spec").path("type").asText("ClusterIP");
        int ports = object.path("spec").path("ports").size();
        if (type.equals("LoadBalancer")) {
          out.put("services.loadbalancers", one);
          boolean nodePorts =
              !object.path("spec").path("allocateLoadBalancerNodePorts").isBoolean()
                  || object.path("spec").path("allocateLoadBalancerNodePorts").asBoolean();
          out.put("services.nodeports", Quantity.of(nodePorts ? ports : 0));
        } else if (type.equals("NodePort")) {
          out.put("services.nodeports", Quantity.of(ports));
        } else {
          out.put("services.nodeports", Quantity.ZERO);
          out.put("services.loadbalancers", Quantity.ZERO);
        }
        if (!out.has("services.loadbalancers")) {
          out.put("services.loadbalancers", Quantity.ZERO);
        }
        return out;
      case "persistentvolumeclaims":
        out.put("persistentvolumeclaims", one);
        String cls = object.path("spec").path("storageClassName").asText("");
        Quantity storage =
            ResourceList.of(object.path("spec").path("resources").path("requests")).get("storage");
        if (storage != null) {
          out.put("requests.storage", storage);
        }
        if (!cls.isEmpty()) {
          out.put(cls + STORAGE_CLASS_SUFFIX + "persistentvolumeclaims", one);
          if (storage != null) {
            out.put(cls + STORAGE_CLASS_SUFFIX + "requests.storage", storage);
          }
        }
        return out;
      default:
        if (LEGACY_COUNTED.contains(plural)) {
          out.put(plural, one);
        }
        return out;
    }
  }

  /** Terminal pods and pods past their deletion grace period cost no compute (and no "pods"). */
  private static boolean chargedForCompute(JsonNode pod, Instant now) {
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    String deletion = pod.path("metadata").path("deletionTimestamp").asText("");
    JsonNode grace = pod.path("metadata").path("deletionGracePeriodSeconds");
    if (!deletion.isEmpty() && grace.isNumber()) {
      try {
        return !now.isAfter(Instant.parse(deletion).plusSeconds(grace.asLong()));
      } catch (DateTimeParseException e) {
        return true;
      }
    }
    return true;
  }

  /** Pod requests and limits: sum of containers, at least each init container, plus overhead. */
  private static ResourceList podCompute(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    ResourceList requests = new ResourceList();
    ResourceList limits = new ResourceList();
    for (JsonNode c : spec.path("containers")) {
      requests = requests.plus(ResourceList.of(c.path("resources").path("requests")));
      limits = limits.plus(ResourceList.of(c.path("resources").path("limits")));
    }
    for (JsonNode c : spec.path("initContainers")) {
      requests = requests.max(ResourceList.of(c.path("resources").path("requests")));
      limits = limits.max(ResourceList.of(c.path("resources").path("limits")));
    }
    ResourceList overhead = ResourceList.of(spec.path("overhead"));
    if (!overhead.isEmpty()) {
      requests = requests.plus(overhead);
      limits = limits.plus(overhead.mask(limits.names()));
    }
    return computeUsage(requests, limits);
  }

  private static ResourceList containerUsage(JsonNode container) {
    return computeUsage(
        ResourceList.of(container.path("resources").path("requests")),
        ResourceList.of(container.path("resources").path("limits")));
  }

  /** Upstream's podComputeUsageHelper. */
  private static ResourceList computeUsage(ResourceList requests, ResourceList limits) {
    ResourceList out = new ResourceList();
    out.put("pods", Quantity.of(1));
    for (String r : new String[] {"cpu", "memory", "ephemeral-storage"}) {
      if (requests.has(r)) {
        out.put(r, requests.get(r));
        out.put("requests." + r, requests.get(r));
      }
      if (limits.has(r)) {
        out.put("limits." + r, limits.get(r));
      }
    }
    for (String r : requests.names()) {
      if (r.startsWith("hugepages-")) {
        out.put(r, requests.get(r));
        out.put("requests." + r, requests.get(r));
      } else if (r.contains("/") && !r.startsWith("kubernetes.io/")) {
        out.put("requests." + r, requests.get(r));
      }
    }
    return out;
  }

  private static List<JsonNode> containers(JsonNode pod) {
    List<JsonNode> out = new ArrayList<>();
    pod.path("spec").path("initContainers").forEach(out::add);
    pod.path("spec").path("containers").forEach(out::add);
    return out;
  }
}
