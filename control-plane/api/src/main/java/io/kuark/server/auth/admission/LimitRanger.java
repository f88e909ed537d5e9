package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.quota.Quantity;
import io.kuark.server.apimodel.quota.ResourceList;
import io.kuark.server.auth.authz.Forbidden;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Upstream's LimitRanger: fills in the default requests and limits of the namespace's LimitRanges
 * for containers of new pods (noting what it set in the {@code kubernetes.io/limit-ranger}
 * annotation), then refuses pods whose containers or totals, and claims whose storage requests,
 * break a LimitRange's min, max or maxLimitRequestRatio (403, messages as upstream). LimitRange
 * objects themselves get upstream's defaults (default limit from max, default request from the
 * default limit, else from min).
 */
public final class LimitRanger implements AdmissionPlugin {

  static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private final NamespacedObjects objects;

  public LimitRanger(NamespacedObjects objects) {
    this.objects = objects;
  }

  @Override
  public void mutate(AdmissionAttributes a) {
    if (a.is("limitranges")) {
      for (JsonNode item : a.object().path("spec").path("limits")) {
        if (item instanceof ObjectNode o) {
          defaultItem(o);
        }
      }
      return;
    }
    if (!a.is("pods") || !a.create()) {
      return;
    }
    List<ObjectNode> ranges = limitRanges(a.namespace());
    if (ranges.isEmpty()) {
      return;
    }
    ObjectNode spec = a.object().with("spec");
    // Pod defaulting (which upstream runs before admission) makes a stated limit the request.
    for (String field : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(field)) {
        requestsFromLimits((ObjectNode) c);
      }
    }
    for (ObjectNode range : ranges) {
      ResourceList defaults = new ResourceList();
      ResourceList defaultRequests = new ResourceList();
      for (JsonNode item : range.path("spec").path("limits")) {
        if (item.path("type").asText().equals("Container")) {
          ObjectNode copy = item.deepCopy();
          defaultItem(copy);
          defaults = defaults.plus(ResourceList.of(copy.path("default")));
          defaultRequests = defaultRequests.plus(ResourceList.of(copy.path("defaultRequest")));
        }
      }
      if (defaults.isEmpty() && defaultRequests.isEmpty()) {
        continue;
      }
      List<String> notes = new ArrayList<>();
      for (JsonNode c : spec.path("containers")) {
        merge((ObjectNode) c, defaults, defaultRequests, "container", notes);
      }
      for (JsonNode c : spec.path("initContainers")) {
        merge((ObjectNode) c, defaults, defaultRequests, "init container", notes);
      }
      if (!notes.isEmpty()) {
        Meta.metadata(a.object())
            .with("annotations")
            .put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
      }
    }
  }

  @Override
  public List<String> validate(AdmissionAttributes a) {
    boolean pod = a.is("pods") && a.create();
    boolean claim = a.is("persistentvolumeclaims");
    if (!pod && !claim) {
      return List.of();
    }
    LinkedHashSet<String> errors = new LinkedHashSet<>();
    for (ObjectNode range : limitRanges(a.namespace())) {
      for (JsonNode item : range.path("spec").path("limits")) {
        String kind = item.path("type").asText();
        if (pod && kind.equals("Container")) {
          for (String field : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : a.object().path("spec").path(field)) {
              checkItem(item, kind, requests(c), limits(c), errors);
            }
          }
        } else if (pod && kind.equals("Pod")) {
          checkItem(
              item, kind, podTotal(a.object(), "requests"), podTotal(a.object(), "limits"), errors);
        } else if (claim && kind.equals("PersistentVolumeClaim")) {
          ResourceList req =
              ResourceList.of(a.object().path("spec").path("resources").path("requests"));
          for (String r : sortedNames(item.path("min"))) {
            min(kind, r, quantity(item.path("min"), r), req, new ResourceList(), errors);
          }
          for (String r : sortedNames(item.path("max"))) {
            maxRequest(kind, r, quantity(item.path("max"), r), req, errors);
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      ResourceType t = a.type();
      throw Forbidden.status(t.group(), t.plural(), a.name(), aggregate(errors));
    }
    return List.of();
  }

  private List<ObjectNode> limitRanges(String namespace) {
    if (namespace.isEmpty()) {
      return List.of();
    }
    return objects.list(objects.type("", "v1", "limitranges"), namespace);
  }

  /** Upstream's SetDefaults_LimitRangeItem for Container items. */
  static void defaultItem(ObjectNode item) {
    if (!item.path("type").asText().equals("Container")) {
      return;
    }
    ObjectNode def = item.with("default");
    ObjectNode defReq = item.with("defaultRequest");
    copyMissing(item.path("max"), def);
    copyMissing(def, defReq);
    copyMissing(item.path("min"), defReq);
    if (def.isEmpty()) {
      item.remove("default");
    }
    if (defReq.isEmpty()) {
      item.remove("defaultRequest");
    }
  }

  private static void copyMissing(JsonNode from, ObjectNode to) {
    Iterator<Map.Entry<String, JsonNode>> it = from.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!to.has(e.getKey())) {
        to.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  private static void requestsFromLimits(ObjectNode container) {
    JsonNode limits = container.path("resources").path("limits");
    if (!limits.isObject() || limits.isEmpty()) {
      return;
    }
    ObjectNode requests = container.with("resources").with("requests");
    copyMissing(limits, requests);
  }

  private static void merge(
      ObjectNode c,
      ResourceList defaults,
      ResourceList defaultRequests,
      String prefix,
      List<String> notes) {
    ObjectNode resources = c.with("resources");
    List<String> setLimits = setMissing(resources, "limits", defaults);
    List<String> setRequests = setMissing(resources, "requests", defaultRequests);
    String name = c.path("name").asText();
    if (!setRequests.isEmpty()) {
      notes.add(String.join(", ", setRequests) + " request for " + prefix + " " + name);
    }
    if (!setLimits.isEmpty()) {
      notes.add(String.join(", ", setLimits) + " limit for " + prefix + " " + name);
    }
  }

  private static List<String> setMissing(ObjectNode resources, String field, ResourceList values) {
    List<String> set = new ArrayList<>();
    if (values.isEmpty()) {
      return set;
    }
    ObjectNode target = resources.with(field);
    for (String r : values.names()) {
      if (!target.has(r)) {
        target.put(r, values.get(r).toString());
        set.add(r);
      }
    }
    if (target.isEmpty()) {
      resources.remove(field);
    }
    return set;
  }

  private static void checkItem(
      JsonNode item,
      String kind,
      ResourceList requests,
      ResourceList limits,
      LinkedHashSet<String> errors) {
    for (String r : sortedNames(item.path("min"))) {
      min(kind, r, quantity(item.path("min"), r), requests, limits, errors);
    }
    for (String r : sortedNames(item.path("max"))) {
      max(kind, r, quantity(item.path("max"), r), requests, limits, errors);
    }
    for (String r : sortedNames(item.path("maxLimitRequestRatio"))) {
      ratio(kind, r, quantity(item.path("maxLimitRequestRatio"), r), requests, limits, errors);
    }
  }

  private static void min(
      String kind,
      String r,
      Quantity enforced,
      ResourceList requests,
      ResourceList limits,
      LinkedHashSet<String> errors) {
    if (enforced == null) {
      return;
    }
    String head = "minimum " + r + " usage per " + kind + " is " + enforced;
    Quantity req = requests.get(r);
    Quantity lim = limits.get(r);
    if (req == null) {
      errors.add(head + ".  No request is specified");
    } else if (req.compareTo(enforced) < 0) {
      errors.add(head + ", but request is " + req);
    } else if (lim != null && lim.compareTo(enforced) < 0) {
      errors.add(head + ", but limit is " + lim);
    }
  }

  private static void max(
      String kind,
      String r,
      Quantity enforced,
      ResourceList requests,
      ResourceList limits,
      LinkedHashSet<String> errors) {
    if (enforced == null) {
      return;
    }
    String head = "maximum " + r + " usage per " + kind + " is " + enforced;
    Quantity req = requests.get(r);
    Quantity lim = limits.get(r);
    if (lim == null) {
      errors.add(head + ".  No limit is specified");
    } else if (lim.compareTo(enforced) > 0) {
      errors.add(head + ", but limit is " + lim);
    } else if (req != null && req.compareTo(enforced) > 0) {
      errors.add(head + ", but request is " + req);
    }
  }

  private static void maxRequest(
      String kind,
      String r,
      Quantity enforced,
      ResourceList requests,
      LinkedHashSet<String> errors) {
    if (enforced == null) {
      return;
    }
    String head = "maximum " + r + " usage per " + kind + " is " + enforced;
    Quantity req = requests.get(r);
    if (req == null) {
      errors.add(head + ".  No request is specified");
    } else if (req.compareTo(enforced) > 0) {
      errors.add(head + ", but request is " + req);
    }
  }

  private static void ratio(
      String kind,
      String r,
      Quantity enforced,
      ResourceList requests,
      ResourceList limits,
      LinkedHashSet<String> errors) {
    if (enforced == null) {
      return;
    }
    String head = r + " max limit to request ratio per " + kind + " is " + enforced;
    Quantity req = requests.get(r);
    Quantity lim = limits.get(r);
    if (req == null || req.isZero()) {
      errors.add(head + ", but no request is specified or request is 0");
      return;
    }
    if (lim == null || lim.isZero()) {
      errors.add(head + ", but no limit is specified or limit is 0");
      return;
    }
    double observed = lim.value().doubleValue() / req.value().doubleValue();
    if (observed > enforced.value().doubleValue()) {
      errors.add(
          head + ", but provided ratio is " + String.format(java.util.Locale.ROOT, "%f", observed));
    }
  }

  private static ResourceList requests(JsonNode c) {
    return ResourceList.of(c.path("resources").path("requests"));
  }

  private static ResourceList limits(JsonNode c) {
    return ResourceList.of(c.path("resources").path("limits"));
  }

  /** Sum over containers, at least each init container (upstream's pod totals for limit ranges). */
  private static ResourceList podTotal(JsonNode pod, String field) {
    ResourceList total = new ResourceList();
    for (JsonNode c : pod.path("spec").path("containers")) {
      total = total.plus(ResourceList.of(c.path("resources").path(field)));
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      total = total.max(ResourceList.of(c.path("resources").path(field)));
    }
    return total;
  }

  private static Quantity quantity(JsonNode list, String name) {
    return ResourceList.of(list).get(name);
  }

  private static TreeSet<String> sortedNames(JsonNode list) {
    TreeSet<String> names = new TreeSet<>();
    list.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Go's utilerrors aggregate message: one error alone, several as {@code [a, b]}. */
  static String aggregate(LinkedHashSet<String> errors) {
    if (errors.size() == 1) {
      return errors.iterator().next();
    }
    return "[" + String.join(", ", errors) + "]";
  }
}
