package io.kuark.server.apimodel.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Upstream's ObjectMeta checks: name, generateName, namespace, labels, annotations, immutables. */
public final class MetadataValidator {

  /** Upstream's limit on the total size of all annotations (256 KiB). */
  public static final int TOTAL_ANNOTATION_SIZE = 256 * 1024;

  private MetadataValidator() {}

  /**
   * Validates {@code metadata} of a new or updated object.
   *
   * @param namespaced whether the kind is namespaced (namespace required) or cluster-scoped
   *     (namespace forbidden)
   * @param nameRule the kind's name syntax (e.g. {@link NameRules#dns1123Subdomain})
   */
  public static void validate(
      JsonNode object,
      boolean namespaced,
      Function<String, List<String>> nameRule,
      List<FieldError> errs) {
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText("");
    String generateName = meta.path("generateName").asText("");
    if (name.isEmpty()) {
      if (generateName.isEmpty()) {
        errs.add(FieldError.required("metadata.name", "name or generateName is required"));
      }
    } else {
      for (String m : nameRule.apply(name)) {
        errs.add(FieldError.invalid("metadata.name", name, m));
      }
    }
    if (!generateName.isEmpty()) {
      // generateName gets a random suffix, so only its prefix syntax can be checked.
      String trimmed = generateName.endsWith("-") ? generateName + "a" : generateName;
      for (String m : nameRule.apply(trimmed)) {
        errs.add(FieldError.invalid("metadata.generateName", generateName, m));
      }
    }
    String ns = meta.path("namespace").asText("");
    if (namespaced) {
      if (ns.isEmpty()) {
        errs.add(FieldError.required("metadata.namespace", null));
      } else {
        for (String m : NameRules.dns1123Label(ns)) {
          errs.add(FieldError.invalid("metadata.namespace", ns, m));
        }
      }
    } else if (!ns.isEmpty()) {
      errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
    }
    labels(meta.path("labels"), "metadata.labels", errs);
    annotations(meta.path("annotations"), "metadata.annotations", errs);
    if (meta.has("generation") && meta.path("generation").asLong(0) < 0) {
      errs.add(
          FieldError.invalid(
              "metadata.generation",
              meta.path("generation"),
              "must be greater than or equal to 0"));
    }
    for (JsonNode f : meta.path("finalizers")) {
      String fin = f.asText();
      for (String m : NameRules.qualifiedName(fin)) {
        errs.add(FieldError.invalid("metadata.finalizers", fin, m));
      }
    }
  }

  /** Label map syntax: keys are qualified names, values label values. */
  public static void labels(JsonNode labels, String field, List<FieldError> errs) {
    Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String m : NameRules.qualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(field, e.getKey(), m));
      }
      String value = e.getValue().asText();
      for (String m : NameRules.labelValue(value)) {
        errs.add(FieldError.invalid(field, value, m));
      }
    }
  }

  /** Annotation keys are qualified names (lower-cased); total size at most 256 KiB. */
  public static void annotations(JsonNode annotations, String field, List<FieldError> errs) {
    long total = 0;
    Iterator<Map.Entry<String, JsonNode>> it = annotations.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String m : NameRules.qualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
        errs.add(FieldError.invalid(field, e.getKey(), m));
      }
      total += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      total += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > TOTAL_ANNOTATION_SIZE) {
      errs.add(FieldError.tooLong(field, TOTAL_ANNOTATION_SIZE));
    }
  }

  /** Update rules: name, namespace, uid and creationTimestamp cannot change. */
  public static void validateUpdate(JsonNode object, JsonNode old, List<FieldError> errs) {
    for (String f : new String[] {"name", "namespace", "uid", "creationTimestamp"}) {
      JsonNode now = object.path("metadata").path(f);
      JsonNode before = old.path("metadata").path(f);
      if (before.isMissingNode() || before.isNull()) {
        continue;
      }
      if (!Objects.equals(now.asText(""), before.asText(""))) {
        errs.add(
            FieldError.invalid(
                "metadata." + f, now.isMissingNode() ? "" : now.asText(), "field is immutable"));
      }
    }
  }
}
