package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.quota.Quantity;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.NameRules;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Upstream's validation of the downward API in a pod spec: which {@code fieldRef.fieldPath} an env
 * var or a volume file may name, which container resources a {@code resourceFieldRef} may name and
 * with which divisors, and the shape of downward API volume items. Without it a pod naming a field
 * the node cannot fill was stored and failed only on the node.
 */
final class DownwardApiValidator {

  /** Field paths the API can convert at all (upstream's v1 field label conversion). */
  private static final Set<String> CONVERTIBLE =
      Set.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.restartPolicy",
          "spec.serviceAccountName",
          "spec.schedulerName",
          "status.phase",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  private static final List<String> ENV_FIELDS =
      List.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  private static final List<String> VOLUME_FIELDS =
      List.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid");

  private static final List<String> RESOURCES =
      List.of(
          "limits.cpu",
          "limits.ephemeral-storage",
          "limits.memory",
          "requests.cpu",
          "requests.ephemeral-storage",
          "requests.memory");

  private static final List<String> HUGEPAGES_PREFIXES =
      List.of("limits.hugepages-", "requests.hugepages-");

  private static final List<String> CPU_DIVISORS = List.of("1m", "1");
  private static final List<String> BYTE_DIVISORS =
      List.of("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei");

  private static final String MODE_RANGE =
      "must be a number between 0 and 0777 (octal), both inclusive";

  private DownwardApiValidator() {}

  /** An env var's {@code valueFrom.fieldRef}. */
  static void envFieldRef(JsonNode ref, String path, List<FieldError> errs) {
    fieldRef(ref, path, ENV_FIELDS, errs);
  }

  /** An env var's {@code valueFrom.resourceFieldRef} (the container defaults to the env's own). */
  static void envResourceFieldRef(JsonNode ref, String path, List<FieldError> errs) {
    resourceFieldRef(ref, path, false, errs);
  }

  /** The {@code items} of a downwardAPI volume or projection. */
  static void volumeItems(JsonNode items, String path, List<FieldError> errs) {
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String p = path + "[" + i + "]";
      if (item.path("path").asText("").isEmpty()) {
        errs.add(FieldError.required(p + ".path", null));
      }
      if (item.hasNonNull("fieldRef")) {
        fieldRef(item.path("fieldRef"), p + ".fieldRef", VOLUME_FIELDS, errs);
        if (item.hasNonNull("resourceFieldRef")) {
          errs.add(
              FieldError.invalid(
                  p,
                  "resource",
                  "fieldRef and resourceFieldRef can not be specified simultaneously"));
        }
      } else if (item.hasNonNull("resourceFieldRef")) {
        resourceFieldRef(item.path("resourceFieldRef"), p + ".resourceFieldRef", true, errs);
      } else {
        errs.add(FieldError.required(p, "one of fieldRef and resourceFieldRef is required"));
      }
      if (item.hasNonNull("mode")) {
        long mode = item.path("mode").asLong();
        if (mode < 0 || mode > 0777) {
          errs.add(FieldError.invalid(p + ".mode", mode, MODE_RANGE));
        }
      }
    }
  }

  private static void fieldRef(
      JsonNode ref, String path, List<String> supported, List<FieldError> errs) {
    String fieldPath = ref.path("fieldPath").asText("");
    if (fieldPath.isEmpty()) {
      errs.add(FieldError.required(path + ".fieldPath", null));
      return;
    }
    String base = fieldPath;
    String key = null;
    int open = fieldPath.indexOf("['");
    if (fieldPath.endsWith("']") && open > 0) {
      base = fieldPath.substring(0, open);
      key = fieldPath.substring(open + 2, fieldPath.length() - 2);
    }
    if (!CONVERTIBLE.contains(base)) {
      errs.add(
          FieldError.invalid(
              path + ".fieldPath",
              fieldPath,
              "error converting fieldPath: field label not supported: " + base));
      return;
    }
    if (key != null) {
      List<String> problems =
          switch (base) {
            case "metadata.annotations" -> NameRules.qualifiedName(key.toLowerCase(Locale.ROOT));
            case "metadata.labels" -> NameRules.qualifiedName(key);
            default -> null;
          };
      if (problems == null) {
        errs.add(FieldError.invalid(path, base, "does not support subscript"));
      } else {
        for (String m : problems) {
          errs.add(FieldError.invalid(path, key, m));
        }
      }
      return;
    }
    if (!supported.contains(base)) {
      errs.add(FieldError.notSupported(path + ".fieldPath", base, supported));
    }
  }

  private static void resourceFieldRef(
      JsonNode ref, String path, boolean volume, List<FieldError> errs) {
    String resource = ref.path("resource").asText("");
    if (volume && ref.path("containerName").asText("").isEmpty()) {
      errs.add(FieldError.required(path + ".containerName", null));
    } else if (resource.isEmpty()) {
      errs.add(FieldError.required(path + ".resource", null));
    } else if (!RESOURCES.contains(resource) && !hugepages(resource)) {
      errs.add(FieldError.notSupported(path + ".resource", resource, RESOURCES));
    }
    if (ref.hasNonNull("divisor")) {
      divisor(resource, ref.path("divisor").asText(""), path + ".divisor", errs);
    }
  }

  private static boolean hugepages(String resource) {
    for (String prefix : HUGEPAGES_PREFIXES) {
      if (resource.startsWith(prefix) && resource.length() > prefix.length()) {
        try {
          Quantity.parse(resource.substring(prefix.length()));
          return true;
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static void divisor(String resource, String text, String path, List<FieldError> errs) {
    BigDecimal value;
    try {
      value = Quantity.parse(text).value();
    } catch (IllegalArgumentException e) {
      errs.add(FieldError.invalid(path, text, e.getMessage()));
      return;
    }
    if (value.signum() == 0) {
      return; // unset: 1
    }
    String kind = resource.substring(resource.indexOf('.') + 1);
    List<String> allowed;
    String what;
    if (kind.equals("cpu")) {
      allowed = CPU_DIVISORS;
      what = "the cpu resource";
    } else if (kind.equals("memory")) {
      allowed = BYTE_DIVISORS;
      what = "the memory resource";
    } else if (kind.equals("ephemeral-storage")) {
      allowed = BYTE_DIVISORS;
      what = "the local ephemeral storage resource";
    } else if (kind.startsWith("hugepages-")) {
      allowed = BYTE_DIVISORS;
      what = "the hugepages resource";
    } else {
      return;
    }
    for (String a : allowed) {
      if (Quantity.parse(a).value().compareTo(value) == 0) {
        return;
      }
    }
    // Upstream reports the resource name as the invalid value.
    errs.add(
        FieldError.invalid(
            path,
            resource,
            "only divisor's values "
                + (allowed == CPU_DIVISORS ? "1m and 1" : String.join(", ", allowed))
                + " are supported with "
                + what));
  }
}
