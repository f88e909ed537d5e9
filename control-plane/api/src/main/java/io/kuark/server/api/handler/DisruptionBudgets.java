package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.select.LabelSelector;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The PodDisruptionBudget check of an eviction, as upstream's eviction subresource does it, with
 * one difference: Kuark has no disruption controller, so the budget's status (expected, healthy and
 * desired pods, allowed disruptions) is computed here, at eviction time, from the pods the budget
 * selects, and written back with the evicted pod recorded in {@code disruptedPods}. Expected pods
 * are the selected pods that are not terminal (upstream asks the owning controllers' scale).
 */
final class DisruptionBudgets {

  /** How long an evicted pod counts as disrupted before it is deleted (upstream's timeout). */
  static final Duration DISRUPTED_TIMEOUT = Duration.ofMinutes(2);

  private static final int ATTEMPTS = 5;

  private final ApiContext ctx;
  private final ResourceType budgets;
  private final ResourceType pods;

  DisruptionBudgets(ApiContext ctx) {
    this.ctx = ctx;
    this.budgets = ctx.catalog().find("policy", "v1", "poddisruptionbudgets").orElseThrow();
    this.pods = ctx.catalog().find("", "v1", "pods").orElseThrow();
  }

  /**
   * Admits the eviction of {@code pod} or throws: 429 TooManyRequests when its budget allows no
   * disruption, 500 when more than one budget selects it. Records the disruption unless dry run.
   */
  void admit(ObjectNode pod, boolean dryRun) {
    String phase = pod.path("status").path("phase").asText("");
    if (Meta.deleting(pod)
        || phase.equals("Succeeded")
        || phase.equals("Failed")
        || phase.equals("Pending")) {
      // Upstream evicts these without consulting budgets: they are not running anyway.
      return;
    }
    for (int attempt = 0; ; attempt++) {
      List<StoredObject> matching = budgetsFor(pod);
      if (matching.isEmpty()) {
        return;
      }
      if (matching.size() > 1) {
        throw Statuses.internal(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does"
                + " not support.");
      }
      StoredObject budget = matching.get(0);
      try {
        checkAndRecord(budget, pod, dryRun);
        return;
      } catch (StorageException.Conflict e) {
        if (attempt >= ATTEMPTS) {
          throw Statuses.conflict(budgets, Meta.name(budget.object()), "please retry");
        }
      }
    }
  }

  private void checkAndRecord(StoredObject stored, ObjectNode pod, boolean dryRun) {
    ObjectNode pdb = stored.object().deepCopy();
    String name = Meta.name(pdb);
    Instant now = Instant.now();
    ObjectNode disrupted = Json.object();
    Iterator<Map.Entry<String, JsonNode>> it = pdb.path("status").path("disruptedPods").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (Meta.parseTime(e.getValue().asText()).plus(DISRUPTED_TIMEOUT).isAfter(now)) {
        disrupted.set(e.getKey(), e.getValue());
      }
    }
    int expected = 0;
    int healthy = 0;
    LabelSelector selector = selector(pdb);
    for (ObjectNode p : ctx.store().list(pods, Meta.namespace(pod), 0, null, 0).items()) {
      String phase = p.path("status").path("phase").asText("");
      if (!selector.matches(Meta.labels(p))
          || phase.equals("Succeeded")
          || phase.equals("Failed")) {
        continue;
      }
      expected++;
      if (ready(p) && !Meta.deleting(p) && !disrupted.has(Meta.name(p))) {
        healthy++;
      }
    }
    int desired = desiredHealthy(pdb.path("spec"), expected);
    int allowed = Math.max(0, healthy - desired);
    if (!ready(pod)) {
      String policy = pdb.path("spec").path("unhealthyPodEvictionPolicy").asText("IfHealthyBudget");
      if (policy.equals("AlwaysAllow") || (healthy >= desired && desired > 0)) {
        // An unhealthy pod does not count against a budget that is met.
        return;
      }
    }
    if (allowed == 0) {
      throw tooManyRequests(
          "The disruption budget "
              + name
              + " needs "
              + desired
              + " healthy pods and has "
              + healthy
              + " currently");
    }
    if (dryRun) {
      return;
    }
    disrupted.put(Meta.name(pod), Meta.format(now));
    ObjectNode status = pdb.putObject("status");
    status.put("observedGeneration", pdb.path("metadata").path("generation").asLong(1));
    status.set("disruptedPods", disrupted);
    status.put("disruptionsAllowed", allowed - 1);
    status.put("currentHealthy", healthy);
    status.put("desiredHealthy", desired);
    status.put("expectedPods", expected);
    ObjectNode condition = status.putArray("conditions").addObject();
    condition.put("type", "DisruptionAllowed");
    condition.put("status", allowed - 1 > 0 ? "True" : "False");
    condition.put("reason", allowed - 1 > 0 ? "SufficientPods" : "InsufficientPods");
    condition.put("message", "");
    condition.put("observedGeneration", pdb.path("metadata").path("generation").asLong(1));
    condition.put("lastTransitionTime", Meta.format(now));
    ctx.store().update(budgets, pdb, stored.modRevision());
  }

  private List<StoredObject> budgetsFor(ObjectNode pod) {
    List<StoredObject> out = new ArrayList<>();
    String namespace = Meta.namespace(pod);
    for (ObjectNode pdb : ctx.store().list(budgets, namespace, 0, null, 0).items()) {
      if (pdb.path("spec").has("selector") && selector(pdb).matches(Meta.labels(pod))) {
        out.add(ctx.store().require(budgets, namespace, Meta.name(pdb)));
      }
    }
    return out;
  }

  private static LabelSelector selector(JsonNode pdb) {
    return LabelSelector.parse(ScaleHandler.selectorString(pdb.path("spec").path("selector")));
  }

  /** minAvailable or expected - maxUnavailable; percentages round up, as upstream. */
  static int desiredHealthy(JsonNode spec, int expected) {
    if (spec.has("maxUnavailable")) {
      return Math.max(0, expected - scaled(spec.get("maxUnavailable"), expected));
    }
    if (spec.has("minAvailable")) {
      return scaled(spec.get("minAvailable"), expected);
    }
    return 0;
  }

  private static int scaled(JsonNode value, int expected) {
    if (value.isInt()) {
      return value.asInt();
    }
    String text = value.asText();
    if (text.endsWith("%")) {
      int percent = Integer.parseInt(text.substring(0, text.length() - 1));
      return (int) Math.ceil(expected * percent / 100.0);
    }
    return Integer.parseInt(text);
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private static ApiException tooManyRequests(String cause) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    return Statuses.failure(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
        details);
  }
}
