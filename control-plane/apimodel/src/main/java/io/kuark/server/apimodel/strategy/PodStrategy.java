package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;
import java.util.Optional;

/**
 * Pods: PodSpec defaults, a {@code Pending} status with QoS class on create, the create-time fields
 * upstream's admission adds (service account {@code default}, priority 0, the 300 s
 * not-ready/unreachable tolerations), PodSpec validation and upstream's pod update restriction.
 */
public final class PodStrategy extends GenericStrategy {

  static final String UPDATE_FORBIDDEN =
      "pod updates may not change fields other than `spec.containers[*].image`,"
          + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only"
          + " additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be"
          + " set to 1 if it was previously negative)";

  public PodStrategy(ResourceType type) {
    super(type, false);
  }

  @Override
  protected void defaults(ObjectNode pod) {
    ObjectNode spec = obj(pod, "spec");
    PodSpecDefaults.apply(spec);
    PodSpecDefaults.applyPodOnly(spec);
  }

  @Override
  protected JsonNode initialStatus(ObjectNode pod) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("phase", "Pending");
    status.put("qosClass", qosClass(pod.path("spec")));
    return status;
  }

  @Override
  public void prepareForCreate(ObjectNode pod) {
    super.prepareForCreate(pod);
    ObjectNode spec = obj(pod, "spec");
    GenericStrategy.defaultText(spec, "serviceAccountName", "default");
    GenericStrategy.defaultText(spec, "serviceAccount", spec.path("serviceAccountName").asText());
    GenericStrategy.defaultLong(spec, "priority", 0);
    GenericStrategy.defaultText(spec, "preemptionPolicy", "PreemptLowerPriority");
    defaultToleration(spec, "node.kubernetes.io/not-ready");
    defaultToleration(spec, "node.kubernetes.io/unreachable");
  }

  private static void defaultToleration(ObjectNode spec, String key) {
    JsonNode existing = spec.path("tolerations");
    for (JsonNode t : existing) {
      String k = t.path("key").asText("");
      String effect = t.path("effect").asText("");
      boolean coversKey =
          k.equals(key) || (k.isEmpty() && "Exists".equals(t.path("operator").asText()));
      if (coversKey && (effect.isEmpty() || effect.equals("NoExecute"))) {
        return;
      }
    }
    ArrayNode list = existing.isArray() ? (ArrayNode) existing : spec.putArray("tolerations");
    ObjectNode t = list.addObject();
    t.put("key", key);
    t.put("operator", "Exists");
    t.put("effect", "NoExecute");
    t.put("tolerationSeconds", 300);
  }

  @Override
  protected void validateObject(ObjectNode pod, List<FieldError> errs) {
    PodSpecValidator.validate(pod.path("spec"), "spec", errs);
  }

  @Override
  protected void validateObjectUpdate(ObjectNode pod, JsonNode old, List<FieldError> errs) {
    ObjectNode allowed = old.path("spec").deepCopy();
    JsonNode spec = pod.path("spec");
    copyImages(spec, allowed, "containers");
    copyImages(spec, allowed, "initContainers");
    copyField(spec, allowed, "activeDeadlineSeconds");
    copyField(spec, allowed, "terminationGracePeriodSeconds");
    copyField(spec, allowed, "schedulingGates");
    if (tolerationsOnlyAdded(old.path("spec").path("tolerations"), spec.path("tolerations"))) {
      copyField(spec, allowed, "tolerations");
    }
    if (!allowed.equals(spec)) {
      errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
    }
  }

  private static void copyImages(JsonNode from, ObjectNode to, String list) {
    JsonNode src = from.path(list);
    JsonNode dst = to.path(list);
    if (src.size() != dst.size()) {
      return;
    }
    for (int i = 0; i < src.size(); i++) {
      if (dst.get(i) instanceof ObjectNode d && src.get(i).has("image")) {
        d.set("image", src.get(i).get("image"));
      }
    }
  }

  private static void copyField(JsonNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    } else {
      to.remove(field);
    }
  }

  private static boolean tolerationsOnlyAdded(JsonNode old, JsonNode now) {
    for (JsonNode t : old) {
      boolean found = false;
      for (JsonNode n : now) {
        if (n.equals(t)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /**
   * Applies a {@code pods/binding} request to the stored pod: sets {@code spec.nodeName}, copies
   * the binding's annotations and adds the {@code PodScheduled=True} condition. Returns the
   * conflict message (→ 409 Conflict) when the pod is already bound or being deleted, else empty.
   */
  public static Optional<String> bind(ObjectNode pod, JsonNode binding) {
    String name = pod.path("metadata").path("name").asText();
    String current = pod.path("spec").path("nodeName").asText("");
    if (!pod.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return Optional.of("pod " + name + " is being deleted, cannot be assigned to a host");
    }
    if (!current.isEmpty()) {
      return Optional.of("pod " + name + " is already assigned to node \"" + current + "\"");
    }
    String node = binding.path("target").path("name").asText("");
    obj(pod, "spec").put("nodeName", node);
    JsonNode annotations = binding.path("metadata").path("annotations");
    if (annotations.isObject() && !annotations.isEmpty()) {
      obj(obj(pod, "metadata"), "annotations").setAll((ObjectNode) annotations);
    }
    ObjectNode status = obj(pod, "status");
    JsonNode conditions = status.path("conditions");
    ArrayNode list = conditions.isArray() ? (ArrayNode) conditions : status.putArray("conditions");
    for (int i = list.size() - 1; i >= 0; i--) {
      if ("PodScheduled".equals(list.get(i).path("type").asText())) {
        list.remove(i);
      }
    }
    ObjectNode scheduled = list.addObject();
    scheduled.put("type", "PodScheduled");
    scheduled.put("status", "True");
    scheduled.putNull("lastProbeTime");
    scheduled.put(
        "lastTransitionTime",
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return Optional.empty();
  }

  /**
   * Upstream's QoS class: BestEffort, Guaranteed (limits = requests for cpu and memory) or
   * Burstable.
   */
  public static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        JsonNode requests = c.path("resources").path("requests");
        JsonNode limits = c.path("resources").path("limits");
        for (String r : new String[] {"cpu", "memory"}) {
          if (requests.has(r) || limits.has(r)) {
            any = true;
          }
          if (!limits.has(r)
              || (requests.has(r) && !requests.get(r).asText().equals(limits.get(r).asText()))) {
            guaranteed = false;
          }
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }
}
