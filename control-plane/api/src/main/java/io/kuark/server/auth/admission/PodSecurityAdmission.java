package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.auth.authz.Forbidden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Upstream's PodSecurity admission: the namespace labels {@code
 * pod-security.kubernetes.io/<mode>[-version]} pick a Pod Security Standards level (privileged,
 * baseline, restricted) per mode. {@code enforce} refuses violating pods (403, {@code violates
 * PodSecurity "restricted:latest": …}); {@code warn} answers with {@code Warning} headers, for pods
 * and for the pod templates of workload resources (which enforce does not apply to, as upstream).
 * Namespaces with invalid labels are refused (422); changing a namespace's enforce level warns
 * about existing pods that violate it. All versions are evaluated with the latest checks; {@code
 * audit} is accepted and validated (Kuark has no audit log).
 */
public final class PodSecurityAdmission implements AdmissionPlugin {

  static final String PREFIX = "pod-security.kubernetes.io/";
  private static final List<String> MODES = List.of("enforce", "warn", "audit");
  private static final List<String> LEVELS = List.of("privileged", "baseline", "restricted");
  private static final Pattern VERSION = Pattern.compile("^(latest|v1\\.(0|[1-9][0-9]*))$");

  private final NamespacedObjects objects;

  public PodSecurityAdmission(NamespacedObjects objects) {
    this.objects = objects;
  }

  /** A mode's level and version, as labelled (missing labels: privileged, latest). */
  record Policy(String level, String version) {
    @Override
    public String toString() {
      return level + ":" + version;
    }
  }

  @Override
  public List<String> validate(AdmissionAttributes a) {
    if (a.is("namespaces")) {
      return validateNamespace(a);
    }
    JsonNode template = podTemplate(a);
    boolean pod = a.is("pods");
    if (!pod && template == null) {
      return List.of();
    }
    if (pod && !a.create()) {
      return List.of();
    }
    Map<String, Policy> policies = policies(namespaceLabels(a.namespace()));
    JsonNode meta = pod ? a.object().path("metadata") : template.path("metadata");
    JsonNode spec = pod ? a.object().path("spec") : template.path("spec");
    List<String> warnings = new ArrayList<>();
    Policy enforce = policies.get("enforce");
    if (pod) {
      List<PodSecurityChecks.Violation> v = PodSecurityChecks.check(enforce.level(), meta, spec);
      if (!v.isEmpty()) {
        throw Forbidden.status(
            "", "pods", a.name(), "violates PodSecurity \"" + enforce + "\": " + join(v));
      }
    }
    Policy warn = policies.get("warn");
    if (warn != null && !(pod && warn.level().equals(enforce.level()))) {
      List<PodSecurityChecks.Violation> v = PodSecurityChecks.check(warn.level(), meta, spec);
      if (!v.isEmpty()) {
        warnings.add("would violate PodSecurity \"" + warn + "\": " + join(v));
      }
    }
    return warnings;
  }

  private List<String> validateNamespace(AdmissionAttributes a) {
    JsonNode labels = a.object().path("metadata").path("labels");
    List<Statuses.Cause> causes = new ArrayList<>();
    for (String mode : MODES) {
      String level = labels.path(PREFIX + mode).asText(null);
      if (level != null && !LEVELS.contains(level)) {
        causes.add(
            new Statuses.Cause(
                "FieldValueInvalid",
                "Invalid value: \"" + level + "\": must be one of privileged, baseline, restricted",
                "metadata.labels[" + PREFIX + mode + "]"));
      }
      String version = labels.path(PREFIX + mode + "-version").asText(null);
      if (version != null && !VERSION.matcher(version).matches()) {
        causes.add(
            new Statuses.Cause(
                "FieldValueInvalid",
                "Invalid value: \"" + version + "\": must be \"latest\" or \"v1.x\"",
                "metadata.labels[" + PREFIX + mode + "-version]"));
      }
    }
    if (!causes.isEmpty()) {
      throw Statuses.invalid(a.type(), a.name(), causes);
    }
    Policy enforce = policies(labels).get("enforce");
    String before =
        a.old() == null
            ? "privileged:latest"
            : policies(a.old().path("metadata").path("labels")).get("enforce").toString();
    if (a.create() || enforce.toString().equals(before) || enforce.level().equals("privileged")) {
      return List.of();
    }
    return existingPodWarnings(a.name(), enforce);
  }

  /** Upstream's warnings when a namespace's enforce level tightens over running pods. */
  private List<String> existingPodWarnings(String namespace, Policy enforce) {
    Map<String, List<String>> byReasons = new LinkedHashMap<>();
    for (ObjectNode pod : objects.list(objects.type("", "v1", "pods"), namespace)) {
      List<PodSecurityChecks.Violation> v =
          PodSecurityChecks.check(enforce.level(), pod.path("metadata"), pod.path("spec"));
      if (v.isEmpty()) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      for (PodSecurityChecks.Violation x : v) {
        reasons.add(x.reason());
      }
      byReasons
          .computeIfAbsent(String.join(", ", reasons), k -> new ArrayList<>())
          .add(pod.path("metadata").path("name").asText());
    }
    if (byReasons.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    out.add(
        "existing pods in namespace \""
            + namespace
            + "\" violate the new PodSecurity enforce level \""
            + enforce
            + "\"");
    byReasons.forEach(
        (reasons, pods) -> {
          String who =
              pods.size() == 1
                  ? pods.get(0)
                  : pods.get(0) + " (and " + (pods.size() - 1) + " other pods)";
          out.add(who + ": " + reasons);
        });
    return out;
  }

  private JsonNode namespaceLabels(String namespace) {
    Optional<StoredObject> ns = objects.get(objects.type("", "v1", "namespaces"), "", namespace);
    return ns.map(o -> o.object().path("metadata").path("labels")).orElse(null);
  }

  /** The policy of each mode; an invalid level counts as restricted (fail closed, as upstream). */
  static Map<String, Policy> policies(JsonNode labels) {
    Map<String, Policy> out = new LinkedHashMap<>();
    for (String mode : MODES) {
      String level = labels == null ? null : labels.path(PREFIX + mode).asText(null);
      String version =
          labels == null ? "latest" : labels.path(PREFIX + mode + "-version").asText("latest");
      if (level == null) {
        if (mode.equals("enforce")) {
          out.put(mode, new Policy("privileged", version));
        }
        continue;
      }
      out.put(mode, new Policy(LEVELS.contains(level) ? level : "restricted", version));
    }
    return out;
  }

  /** The pod template of a workload resource, or null for other resources. */
  private static JsonNode podTemplate(AdmissionAttributes a) {
    String group = a.type().group();
    String plural = a.type().plural();
    JsonNode spec = a.object().path("spec");
    if (group.equals("apps")
        && List.of("deployments", "replicasets", "statefulsets", "daemonsets").contains(plural)) {
      return spec.path("template");
    }
    if (group.equals("batch") && plural.equals("jobs")) {
      return spec.path("template");
    }
    if (group.equals("batch") && plural.equals("cronjobs")) {
      return spec.path("jobTemplate").path("spec").path("template");
    }
    if (a.is("replicationcontrollers")) {
      return spec.path("template");
    }
    if (a.is("podtemplates")) {
      return a.object().path("template");
    }
    return null;
  }

  private static String join(List<PodSecurityChecks.Violation> v) {
    List<String> parts = new ArrayList<>();
    for (PodSecurityChecks.Violation x : v) {
      parts.add(x.toString());
    }
    return String.join(", ", parts);
  }
}
