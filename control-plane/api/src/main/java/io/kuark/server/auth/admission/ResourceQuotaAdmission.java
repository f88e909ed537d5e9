package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.quota.QuotaUsage;
import io.kuark.server.apimodel.quota.ResourceList;
import io.kuark.server.auth.authz.Forbidden;
import io.kuark.server.storage.StorageException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Upstream's ResourceQuota admission (the last validating step): for a create (and for services and
 * claims an update) in a namespace with quotas, computes what the object adds, refuses it when a
 * matching quota would go over {@code status.hard} (403 {@code exceeded quota: …}), when a pod
 * leaves out a tracked cpu/memory value ({@code failed quota: …}) or when a quota's usage is not
 * known yet, and otherwise charges the usage to every matching quota's {@code status.used} with a
 * compare-and-swap, before the object is written. The quota controller later recomputes usage from
 * the objects, which also releases what deleted objects and failed writes held.
 */
public final class ResourceQuotaAdmission implements AdmissionPlugin {

  /** Re-reads of the quotas after a concurrent charge won the compare-and-swap. */
  static final int ATTEMPTS = 16;

  private final NamespacedObjects objects;
  private final Clock clock;

  public ResourceQuotaAdmission(NamespacedObjects objects, Clock clock) {
    this.objects = objects;
    this.clock = clock;
  }

  @Override
  public List<String> validate(AdmissionAttributes a) {
    ResourceType type = a.type();
    if (!type.namespaced() || a.namespace().isEmpty()) {
      return List.of();
    }
    if (!a.create() && !QuotaUsage.chargedOnUpdate(type.group(), type.plural())) {
      return List.of();
    }
    ResourceType quotas = objects.type("", "v1", "resourcequotas");
    ResourceList delta = QuotaUsage.usage(type.group(), type.plural(), a.object(), clock.instant());
    if (!a.create()) {
      delta = delta.minus(QuotaUsage.usage(type.group(), type.plural(), a.old(), clock.instant()));
    }
    // Quotas already charged in an earlier attempt (a later one lost its compare-and-swap).
    Set<String> done = new HashSet<>();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      List<ObjectNode> charged = new ArrayList<>();
      for (ObjectNode quota : objects.list(quotas, a.namespace())) {
        if (done.contains(quota.path("metadata").path("name").asText())) {
          continue;
        }
        ObjectNode updated = check(a, quota, delta);
        if (updated != null) {
          charged.add(updated);
        }
      }
      if (a.dryRun() || charged.isEmpty()) {
        return List.of();
      }
      if (write(quotas, charged, done)) {
        return List.of();
      }
    }
    throw Statuses.conflict(quotas, "", "too many concurrent quota updates, try again");
  }

  /**
   * Checks the object against one quota; returns the quota with its new usage when the object costs
   * something there, null when the quota does not concern it.
   */
  private ObjectNode check(AdmissionAttributes a, ObjectNode quota, ResourceList delta) {
    ResourceType type = a.type();
    String name = quota.path("metadata").path("name").asText();
    JsonNode status = quota.path("status");
    ObjectNode probe = quota.deepCopy();
    // Upstream matches on the hard limits the controller has acknowledged in status.
    probe.with("spec").set("hard", status.path("hard").deepCopy());
    if (!status.path("hard").isObject()
        || !QuotaUsage.matches(probe, type.group(), type.plural(), a.object())) {
      return null;
    }
    ResourceList hard = ResourceList.of(status.path("hard"));
    List<String> tracked = QuotaUsage.matchingResources(type.group(), type.plural(), hard.names());
    if (type.isCore() && type.plural().equals("pods")) {
      String missing = QuotaUsage.podConstraintViolation(a.object(), tracked);
      if (missing != null) {
        throw forbidden(a, "failed quota: " + name + ": " + missing);
      }
    }
    ResourceList used = ResourceList.of(status.path("used"));
    TreeSet<String> unknown = new TreeSet<>();
    for (String t : tracked) {
      if (!used.has(t)) {
        unknown.add(t);
      }
    }
    if (!unknown.isEmpty()) {
      throw forbidden(
          a, "status unknown for quota: " + name + ", resources: " + String.join(",", unknown));
    }
    ResourceList requested = delta.mask(hard.names());
    ResourceList next = used.plus(requested);
    List<String> exceeded = next.mask(requested.names()).exceeding(hard);
    // A decrease (e.g. a smaller claim) is always allowed, as upstream only refuses increases.
    exceeded.removeIf(r -> requested.get(r).value().signum() <= 0);
    if (!exceeded.isEmpty()) {
      throw forbidden(
          a,
          "exceeded quota: "
              + name
              + ", requested: "
              + requested.mask(exceeded)
              + ", used: "
              + used.mask(exceeded)
              + ", limited: "
              + hard.mask(exceeded));
    }
    if (requested.withoutZeros().isEmpty()) {
      return null;
    }
    ObjectNode updated = quota.deepCopy();
    ObjectNode newStatus = updated.with("status");
    newStatus.set("used", used.plus(requested).toJson());
    return updated;
  }

  /**
   * Writes the charged quotas; false when one changed or was deleted meanwhile (the caller
   * re-reads: a deleted quota no longer limits anything, as upstream's evaluator re-reads its
   * quotas after a failed update instead of failing the request).
   */
  private boolean write(ResourceType quotas, List<ObjectNode> charged, Set<String> done) {
    boolean all = true;
    for (ObjectNode q : charged) {
      long rv = Long.parseLong(q.path("metadata").path("resourceVersion").asText());
      try {
        if (objects.update(quotas, q, rv).isPresent()) {
          done.add(q.path("metadata").path("name").asText());
        } else {
          all = false;
        }
      } catch (StorageException.Conflict e) {
        all = false;
      }
    }
    return all;
  }

  private static io.kuark.server.api.http.ApiException forbidden(
      AdmissionAttributes a, String why) {
    return Forbidden.status(a.type().group(), a.type().plural(), a.name(), why);
  }
}
