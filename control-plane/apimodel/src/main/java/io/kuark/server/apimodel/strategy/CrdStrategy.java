package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.NameRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CustomResourceDefinitions: name {@code <plural>.<group>}, names and versions checks, defaults
 * (singular, listKind, conversion None), and a status that is immediately {@code Established} and
 * {@code NamesAccepted} (Kuark serves the custom resources as soon as the CRD is stored).
 */
final class CrdStrategy extends GenericStrategy {

  CrdStrategy(ResourceType type) {
    super(type, true);
  }

  @Override
  protected void defaults(ObjectNode crd) {
    ObjectNode spec = obj(crd, "spec");
    ObjectNode names = obj(spec, "names");
    String kind = names.path("kind").asText("");
    if (!kind.isEmpty()) {
      defaultText(names, "singular", kind.toLowerCase(Locale.ROOT));
      defaultText(names, "listKind", kind + "List");
    }
    if (!spec.hasNonNull("conversion")) {
      spec.putObject("conversion").put("strategy", "None");
    }
  }

  @Override
  protected JsonNode initialStatus(ObjectNode crd) {
    return acceptedStatus(crd);
  }

  @Override
  public void prepareForUpdate(ObjectNode crd, JsonNode old) {
    super.prepareForUpdate(crd, old);
    crd.set("status", acceptedStatus(crd));
  }

  /** The status Kuark reports: accepted names = spec names, Established, stored versions. */
  static ObjectNode acceptedStatus(JsonNode crd) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    condition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now);
    condition(
        conditions,
        "Established",
        "InitialNamesAccepted",
        "the initial names have been accepted",
        now);
    ArrayNode stored = status.putArray("storedVersions");
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        stored.add(v.path("name").asText());
      }
    }
    return status;
  }

  private static void condition(
      ArrayNode list, String type, String reason, String message, String now) {
    ObjectNode c = list.addObject();
    c.put("type", type);
    c.put("status", "True");
    c.put("lastTransitionTime", now);
    c.put("reason", reason);
    c.put("message", message);
  }

  @Override
  protected void validateObject(ObjectNode crd, List<FieldError> errs) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText("");
    String plural = spec.path("names").path("plural").asText("");
    String name = crd.path("metadata").path("name").asText("");
    if (!name.equals(plural + "." + group)) {
      errs.add(
          FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
    }
    if (group.isEmpty()) {
      errs.add(FieldError.required("spec.group", null));
    } else if (!group.contains(".")) {
      errs.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
    }
    String scope = spec.path("scope").asText("");
    if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      errs.add(FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
    }
    JsonNode names = spec.path("names");
    for (String f : new String[] {"plural", "singular", "kind", "listKind"}) {
      String v = names.path(f).asText("");
      if (v.isEmpty() && !f.equals("singular") && !f.equals("listKind")) {
        errs.add(FieldError.required("spec.names." + f, null));
      }
    }
    for (String f : new String[] {"plural", "singular"}) {
      String v = names.path(f).asText("");
      if (!v.isEmpty()) {
        for (String m : NameRules.dns1035Label(v)) {
          errs.add(FieldError.invalid("spec.names." + f, v, m));
        }
      }
    }
    JsonNode versions = spec.path("versions");
    if (versions.size() == 0) {
      errs.add(
          FieldError.invalid(
              "spec.versions",
              versions,
              "must have exactly one version marked as storage version"));
      return;
    }
    int storage = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String vn = v.path("name").asText("");
      if (!seen.add(vn)) {
        errs.add(FieldError.invalid("spec.versions", vn, "must appear only once"));
      }
      for (String m : NameRules.dns1035Label(vn)) {
        errs.add(FieldError.invalid("spec.versions[" + i + "].name", vn, m));
      }
      if (v.path("storage").asBoolean(false)) {
        storage++;
      }
      if (!v.path("schema").path("openAPIV3Schema").isObject()) {
        errs.add(
            FieldError.required(
                "spec.versions[" + i + "].schema.openAPIV3Schema", "schemas are required"));
      }
    }
    if (storage != 1) {
      errs.add(
          FieldError.invalid(
              "spec.versions",
              versions.size(),
              "must have exactly one version marked as storage version"));
    }
  }

  @Override
  protected void validateObjectUpdate(ObjectNode crd, JsonNode old, List<FieldError> errs) {
    for (String f : new String[] {"group", "scope"}) {
      JsonNode a = crd.path("spec").path(f);
      if (!a.equals(old.path("spec").path(f))) {
        errs.add(FieldError.invalid("spec." + f, a.asText(""), "field is immutable"));
      }
    }
  }
}
