package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.auth.authz.Forbidden;
import io.kuark.server.auth.authz.RequestScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's PodSecurity admission: the namespace labels {@code
 * pod-security.kubernetes.io/<mode>[-version]} pick a Pod Security Standards level (privileged,
 * baseline, restricted) and the version of its checks per mode; modes without labels use the
 * defaults of {@code --admission-control-config-file} ({@link PodSecurityConfig}). {@code enforce}
 * refuses violating pods (403, {@code violates PodSecurity "restricted:latest": …}); {@code warn}
 * answers with {@code Warning} headers and {@code audit} adds the {@code
 * pod-security.kubernetes.io/audit-violations} audit annotation ({@link AuditAnnotations}), both
 * for pods and for the pod templates of workload resources (which enforce does not apply to, as
 * upstream). Exempt usernames, runtime classes and namespaces skip every check (annotated {@code
 * pod-security.kubernetes.io/exempt}). Namespaces with invalid labels are refused (422); changing a
 * namespace's enforce level warns about existing pods that violate it.
 */
public final class PodSecurityAdmission implements AdmissionPlugin {

  static final String PREFIX = "pod-security.kubernetes.io/";
  static final List<String> MODES = List.of("enforce", "warn", "audit");
  static final List<String> LEVELS = List.of("privileged", "baseline", "restricted");

  private final NamespacedObjects objects;
  private final PodSecurityConfig config;
  private final AuditAnnotations audit;

  public PodSecurityAdmission(NamespacedObjects objects) {
    this(objects, PodSecurityConfig.DEFAULT, AuditAnnotations.LOG);
  }

  public PodSecurityAdmission(
      NamespacedObjects objects, PodSecurityConfig config, AuditAnnotations audit) {
    this.objects = objects;
    this.config = config;
    this.audit = audit;
  }

  /** A mode's level and version label ({@code latest} or {@code v1.x}), as printed upstream. */
  public record Policy(String level, String version) {
    /** The minor version whose checks apply. */
    int minor() {
      Integer minor = PodSecurityVersion.parse(version);
      return minor == null ? PodSecurityVersion.LATEST : minor;
    }

    List<PodSecurityChecks.Violation> check(JsonNode meta, JsonNode spec) {
      return PodSecurityChecks.check(level, minor(), meta, spec);
    }

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
    if (pod && !a.create() && !significantUpdate(a.object(), a.old())) {
      return List.of();
    }
    JsonNode meta = pod ? a.object().path("metadata") : template.path("metadata");
    JsonNode spec = pod ? a.object().path("spec") : template.path("spec");
    String exempt = exemption(a.namespace(), spec);
    if (exempt != null) {
      audit.add(a, PREFIX + "exempt", exempt);
      return List.of();
    }
    Map<String, Policy> policies = policies(namespaceLabels(a.namespace()), config);
    Policy enforce = policies.get("enforce");
    List<PodSecurityChecks.Violation> denied = List.of();
    if (pod) {
      audit.add(a, PREFIX + "enforce-policy", enforce.toString());
      denied = enforce.check(meta, spec);
    }
    Policy auditPolicy = policies.get("audit");
    List<PodSecurityChecks.Violation> auditV =
        pod && auditPolicy.equals(enforce) ? denied : auditPolicy.check(meta, spec);
    if (!auditV.isEmpty()) {
      audit.add(
          a,
          PREFIX + "audit-violations",
          "would violate PodSecurity \"" + auditPolicy + "\": " + join(auditV));
    }
    if (!denied.isEmpty()) {
      throw Forbidden.status(
          "", "pods", a.name(), "violates PodSecurity \"" + enforce + "\": " + join(denied));
    }
    List<String> warnings = new ArrayList<>();
    Policy warn = policies.get("warn");
    if (!(pod && warn.equals(enforce))) {
      List<PodSecurityChecks.Violation> v = warn.check(meta, spec);
      if (!v.isEmpty()) {
        warnings.add("would violate PodSecurity \"" + warn + "\": " + join(v));
      }
    }
    return warnings;
  }

  /** Why the request is exempt ({@code namespace}, {@code user}, {@code runtimeClass}), or null. */
  private String exemption(String namespace, JsonNode podSpec) {
    if (config.exemptNamespaces().contains(namespace)) {
      return "namespace";
    }
    UserInfo user = RequestScope.user();
    if (user != null && config.exemptUsernames().contains(user.name())) {
      return "user";
    }
    String runtimeClass = podSpec.path("runtimeClassName").asText("");
    if (!runtimeClass.isEmpty() && config.exemptRuntimeClasses().contains(runtimeClass)) {
      return "runtimeClass";
    }
    return null;
  }

  /**
   * Upstream's isSignificantPodUpdate: a pod update is evaluated only when it can change what the
   * pod runs — a different number of (init) containers, a changed image, or a changed seccomp
   * annotation of a container (metadata, tolerations and deadlines are not).
   */
  static boolean significantUpdate(JsonNode pod, JsonNode old) {
    for (String list : List.of("containers", "initContainers")) {
      JsonNode now = pod.path("spec").path(list);
      JsonNode before = old.path("spec").path(list);
      if (now.size() != before.size()) {
        return true;
      }
      for (int i = 0; i < now.size(); i++) {
        String name = now.get(i).path("name").asText("");
        String annotation = "container.seccomp.security.alpha.kubernetes.io/" + name;
        if (!now.get(i).path("image").asText("").equals(before.get(i).path("image").asText(""))
            || !pod.path("metadata")
                .path("annotations")
                .path(annotation)
                .asText("")
                .equals(old.path("metadata").path("annotations").path(annotation).asText(""))) {
          return true;
        }
      }
    }
    return false;
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
      if (version != null && PodSecurityVersion.parse(version) == null) {
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
    Policy enforce = policies(labels, config).get("enforce");
    Policy before =
        a.old() == null
            ? null
            : policies(a.old().path("metadata").path("labels"), config).get("enforce");
    if (a.create()
        || enforce.equals(before)
        || enforce.level().equals("privileged")
        || config.exemptNamespaces().contains(a.name())) {
      return List.of();
    }
    return existingPodWarnings(a.name(), enforce);
  }

  /** Upstream's warnings when a namespace's enforce level tightens over running pods. */
  private List<String> existingPodWarnings(String namespace, Policy enforce) {
    Map<String, List<String>> byReasons = new LinkedHashMap<>();
    for (ObjectNode pod : objects.list(objects.type("", "v1", "pods"), namespace)) {
      if (exemption(namespace, pod.path("spec")) != null) {
        continue;
      }
      List<PodSecurityChecks.Violation> v = enforce.check(pod.path("metadata"), pod.path("spec"));
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

  /**
   * The policy of each mode: the namespace's labels, else the configured defaults. An invalid level
   * counts as restricted and an invalid version as latest (fail closed, as upstream).
   */
  static Map<String, Policy> policies(JsonNode labels, PodSecurityConfig config) {
    Map<String, Policy> out = new LinkedHashMap<>();
    for (String mode : MODES) {
      Policy fallback = config.defaults().get(mode);
      String level = labels == null ? null : labels.path(PREFIX + mode).asText(null);
      String version = labels == null ? null : labels.path(PREFIX + mode + "-version").asText(null);
      if (level == null) {
        level = fallback.level();
      } else if (!LEVELS.contains(level)) {
        level = "restricted";
      }
      if (version == null) {
        version = fallback.version();
      } else if (PodSecurityVersion.parse(version) == null) {
        version = "latest";
      }
      out.put(mode, new Policy(level, version));
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
