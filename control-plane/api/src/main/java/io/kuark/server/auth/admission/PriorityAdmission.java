package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.Forbidden;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Upstream's Priority admission plugin. New pods get {@code spec.priority} (and {@code
 * spec.preemptionPolicy} when the class sets one) from their {@code priorityClassName}, or from the
 * global default class (lowest value if several), or 0; an unknown class, or a priority or policy
 * in the pod that differs from the class's, is refused with 403. PriorityClass writes may not make
 * a second {@code globalDefault}. {@code system-node-critical} and {@code system-cluster-critical}
 * resolve to their upstream values even before their objects exist.
 */
public final class PriorityAdmission implements ObjectAdmission {

  static final int NODE_CRITICAL = 2_000_001_000;
  static final int CLUSTER_CRITICAL = 2_000_000_000;

  private final ObjectAdmission next;
  private final Function<String, Optional<JsonNode>> classByName;
  private final Supplier<List<JsonNode>> allClasses;

  /**
   * @param classByName reads a PriorityClass by name
   * @param allClasses lists every PriorityClass (to find the global default)
   */
  public PriorityAdmission(
      ObjectAdmission next,
      Function<String, Optional<JsonNode>> classByName,
      Supplier<List<JsonNode>> allClasses) {
    this.next = next;
    this.classByName = classByName;
    this.allClasses = allClasses;
  }

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    if (type.isCore() && type.plural().equals("pods")) {
      if (old == null) {
        admitPodCreate(object);
      }
    } else if (type.group().equals("scheduling.k8s.io")
        && type.plural().equals("priorityclasses")) {
      admitClass(object, old);
    }
    return next.admit(type, object, old);
  }

  @Override
  public void admitSubresource(
      ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
    next.admitSubresource(type, subresource, object, old);
  }

  private record Resolved(String name, int value, String preemptionPolicy) {}

  void admitPodCreate(ObjectNode pod) {
    ObjectNode spec = pod.with("spec");
    String className = spec.path("priorityClassName").asText("");
    String podName = pod.path("metadata").path("name").asText("");
    Resolved r;
    if (className.isEmpty()) {
      r = globalDefault();
      if (!r.name().isEmpty()) {
        spec.put("priorityClassName", r.name());
      }
    } else {
      Optional<JsonNode> pc = classByName.apply(className);
      if (pc.isPresent()) {
        r = resolved(pc.get());
      } else if (className.equals("system-node-critical")) {
        r = new Resolved(className, NODE_CRITICAL, "PreemptLowerPriority");
      } else if (className.equals("system-cluster-critical")) {
        r = new Resolved(className, CLUSTER_CRITICAL, "PreemptLowerPriority");
      } else {
        throw Forbidden.status(
            "", "pods", podName, "no PriorityClass with name " + className + " was found");
      }
    }
    JsonNode given = spec.get("priority");
    if (given != null && !given.isNull() && given.asLong() != r.value()) {
      throw Forbidden.status(
          "",
          "pods",
          podName,
          "the integer value of priority ("
              + given.asText()
              + ") must not be provided in pod spec; priority admission controller computed "
              + r.value()
              + " from the given PriorityClass name");
    }
    spec.put("priority", r.value());
    if (r.preemptionPolicy() != null) {
      String policy = spec.path("preemptionPolicy").asText("");
      if (!policy.isEmpty() && !policy.equals(r.preemptionPolicy())) {
        throw Forbidden.status(
            "",
            "pods",
            podName,
            "the string value of PreemptionPolicy ("
                + policy
                + ") must not be provided in pod spec; priority admission controller computed "
                + r.preemptionPolicy()
                + " from the given PriorityClass name");
      }
      spec.put("preemptionPolicy", r.preemptionPolicy());
    }
  }

  private static Resolved resolved(JsonNode pc) {
    String policy = pc.path("preemptionPolicy").asText("");
    return new Resolved(
        pc.path("metadata").path("name").asText(),
        pc.path("value").asInt(),
        policy.isEmpty() ? "PreemptLowerPriority" : policy);
  }

  private Resolved globalDefault() {
    JsonNode best = null;
    for (JsonNode pc : allClasses.get()) {
      if (pc.path("globalDefault").asBoolean(false)
          && (best == null || pc.path("value").asInt() < best.path("value").asInt())) {
        best = pc;
      }
    }
    return best == null ? new Resolved("", 0, null) : resolved(best);
  }

  private void admitClass(ObjectNode pc, ObjectNode old) {
    if (!pc.path("globalDefault").asBoolean(false)) {
      return;
    }
    String name = pc.path("metadata").path("name").asText("");
    for (JsonNode other : allClasses.get()) {
      String otherName = other.path("metadata").path("name").asText("");
      if (!otherName.equals(name) && other.path("globalDefault").asBoolean(false)) {
        throw Forbidden.status(
            "scheduling.k8s.io",
            "priorityclasses",
            name,
            "PriorityClass "
                + otherName
                + " is already marked as default. Only one default can exist");
      }
    }
  }
}
