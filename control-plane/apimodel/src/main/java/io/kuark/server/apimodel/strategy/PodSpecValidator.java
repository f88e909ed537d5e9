package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Upstream's PodSpec validation (the commonly hit subset), for pods and pod templates. */
public final class PodSpecValidator {

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  static final List<String> DNS_POLICIES =
      List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  static final List<String> TAINT_EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");
  static final List<String> VOLUME_SOURCES =
      List.of(
          "hostPath",
          "emptyDir",
          "gcePersistentDisk",
          "awsElasticBlockStore",
          "gitRepo",
          "secret",
          "nfs",
          "iscsi",
          "glusterfs",
          "persistentVolumeClaim",
          "rbd",
          "flexVolume",
          "cinder",
          "cephfs",
          "flocker",
          "downwardAPI",
          "fc",
          "azureFile",
          "configMap",
          "vsphereVolume",
          "quobyte",
          "azureDisk",
          "photonPersistentDisk",
          "projected",
          "portworxVolume",
          "scaleIO",
          "storageos",
          "csi",
          "ephemeral",
          "image");

  private PodSpecValidator() {}

  /**
   * Validates a PodSpec.
   *
   * @param path the spec's field path, e.g. {@code spec} or {@code spec.template.spec}
   */
  public static void validate(JsonNode spec, String path, List<FieldError> errs) {
    Set<String> volumes = volumes(spec.path("volumes"), path + ".volumes", errs);
    Set<String> names = new HashSet<>();
    JsonNode containers = spec.path("containers");
    if (containers.size() == 0) {
      errs.add(FieldError.required(path + ".containers", null));
    }
    containers(spec.path("initContainers"), path + ".initContainers", volumes, names, errs);
    containers(containers, path + ".containers", volumes, names, errs);
    String restart = spec.path("restartPolicy").asText("");
    if (restart.isEmpty()) {
      errs.add(FieldError.required(path + ".restartPolicy", null));
    } else if (!RESTART_POLICIES.contains(restart)) {
      errs.add(FieldError.notSupported(path + ".restartPolicy", restart, RESTART_POLICIES));
    }
    String dns = spec.path("dnsPolicy").asText("");
    if (dns.isEmpty()) {
      errs.add(FieldError.required(path + ".dnsPolicy", null));
    } else if (!DNS_POLICIES.contains(dns)) {
      errs.add(FieldError.notSupported(path + ".dnsPolicy", dns, DNS_POLICIES));
    }
    JsonNode grace = spec.path("terminationGracePeriodSeconds");
    if (grace.isNumber() && grace.asLong() < 0) {
      errs.add(
          FieldError.invalid(
              path + ".terminationGracePeriodSeconds",
              grace,
              "must be greater than or equal to 0"));
    }
    JsonNode deadline = spec.path("activeDeadlineSeconds");
    if (deadline.isNumber() && (deadline.asLong() < 1 || deadline.asLong() > Integer.MAX_VALUE)) {
      errs.add(
          FieldError.invalid(
              path + ".activeDeadlineSeconds",
              deadline,
              "must be between 1 and 2147483647, inclusive"));
    }
    String nodeName = spec.path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      for (String m : NameRules.dns1123Subdomain(nodeName)) {
        errs.add(FieldError.invalid(path + ".nodeName", nodeName, m));
      }
    }
    for (String f : new String[] {"hostname", "subdomain"}) {
      String v = spec.path(f).asText("");
      if (!v.isEmpty()) {
        for (String m : NameRules.dns1123Label(v)) {
          errs.add(FieldError.invalid(path + "." + f, v, m));
        }
      }
    }
    String sa = spec.path("serviceAccountName").asText("");
    if (!sa.isEmpty()) {
      for (String m : NameRules.dns1123Subdomain(sa)) {
        errs.add(FieldError.invalid(path + ".serviceAccountName", sa, m));
      }
    }
    MetadataValidator.labels(spec.path("nodeSelector"), path + ".nodeSelector", errs);
    tolerations(spec.path("tolerations"), path + ".tolerations", errs);
  }

  private static Set<String> volumes(JsonNode list, String path, List<FieldError> errs) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i);
      String p = path + "[" + i + "]";
      String name = v.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(p + ".name", null));
      } else {
        for (String m : NameRules.dns1123Label(name)) {
          errs.add(FieldError.invalid(p + ".name", name, m));
        }
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(p + ".name", name));
        }
      }
      int sources = 0;
      for (String s : VOLUME_SOURCES) {
        if (v.hasNonNull(s)) {
          sources++;
        }
      }
      if (sources == 0) {
        errs.add(FieldError.required(p, "must specify a volume type"));
      } else if (sources > 1) {
        errs.add(FieldError.forbidden(p, "may not specify more than 1 volume type"));
      }
      if (v.path("downwardAPI").path("items").isArray()) {
        DownwardApiValidator.volumeItems(
            v.path("downwardAPI").path("items"), p + ".downwardAPI.items", errs);
      }
      JsonNode projections = v.path("projected").path("sources");
      for (int j = 0; j < projections.size(); j++) {
        JsonNode items = projections.get(j).path("downwardAPI").path("items");
        if (items.isArray()) {
          DownwardApiValidator.volumeItems(
              items, p + ".projected.sources[" + j + "].downwardAPI.items", errs);
        }
      }
      String claim = v.path("persistentVolumeClaim").path("claimName").asText(null);
      if (v.has("persistentVolumeClaim") && (claim == null || claim.isEmpty())) {
        errs.add(FieldError.required(p + ".persistentVolumeClaim.claimName", null));
      }
    }
    return names;
  }

  private static void containers(
      JsonNode list, String path, Set<String> volumes, Set<String> names, List<FieldError> errs) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String p = path + "[" + i + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(p + ".name", null));
      } else {
        for (String m : NameRules.dns1123Label(name)) {
          errs.add(FieldError.invalid(p + ".name", name, m));
        }
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(p + ".name", name));
        }
      }
      if (c.path("image").asText("").isEmpty()) {
        errs.add(FieldError.required(p + ".image", null));
      }
      String pull = c.path("imagePullPolicy").asText("");
      if (pull.isEmpty()) {
        errs.add(FieldError.required(p + ".imagePullPolicy", null));
      } else if (!PULL_POLICIES.contains(pull)) {
        errs.add(FieldError.notSupported(p + ".imagePullPolicy", pull, PULL_POLICIES));
      }
      String msgPolicy = c.path("terminationMessagePolicy").asText("");
      if (msgPolicy.isEmpty()) {
        errs.add(
            FieldError.required(
                p + ".terminationMessagePolicy", "must be 'File' or 'FallbackToLogsOnError'"));
      } else if (!MESSAGE_POLICIES.contains(msgPolicy)) {
        errs.add(
            FieldError.invalid(
                p + ".terminationMessagePolicy",
                msgPolicy,
                "must be 'File' or 'FallbackToLogsOnError'"));
      }
      ports(c.path("ports"), p + ".ports", errs);
      env(c.path("env"), p + ".env", errs);
      JsonNode mounts = c.path("volumeMounts");
      Set<String> mountPaths = new HashSet<>();
      for (int j = 0; j < mounts.size(); j++) {
        JsonNode m = mounts.get(j);
        String mp = p + ".volumeMounts[" + j + "]";
        String vname = m.path("name").asText("");
        if (vname.isEmpty()) {
          errs.add(FieldError.required(mp + ".name", null));
        } else if (!volumes.contains(vname)) {
          errs.add(FieldError.notFound(mp + ".name", vname));
        }
        String mountPath = m.path("mountPath").asText("");
        if (mountPath.isEmpty()) {
          errs.add(FieldError.required(mp + ".mountPath", null));
        } else if (!mountPaths.add(mountPath)) {
          errs.add(FieldError.invalid(mp + ".mountPath", mountPath, "must be unique"));
        }
      }
    }
  }

  private static void ports(JsonNode ports, String path, List<FieldError> errs) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String p = path + "[" + i + "]";
      String name = port.path("name").asText("");
      if (!name.isEmpty()) {
        for (String m : NameRules.ianaServiceName(name)) {
          errs.add(FieldError.invalid(p + ".name", name, m));
        }
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(p + ".name", name));
        }
      }
      JsonNode cp = port.path("containerPort");
      if (!cp.isNumber() || cp.asLong() == 0) {
        errs.add(FieldError.required(p + ".containerPort", null));
      } else if (cp.asLong() < 1 || cp.asLong() > 65535) {
        errs.add(
            FieldError.invalid(p + ".containerPort", cp, "must be between 1 and 65535, inclusive"));
      }
      JsonNode hp = port.path("hostPort");
      if (hp.isNumber() && hp.asLong() != 0 && (hp.asLong() < 1 || hp.asLong() > 65535)) {
        errs.add(FieldError.invalid(p + ".hostPort", hp, "must be between 1 and 65535, inclusive"));
      }
      String protocol = port.path("protocol").asText("");
      if (protocol.isEmpty()) {
        errs.add(FieldError.required(p + ".protocol", null));
      } else if (!PROTOCOLS.contains(protocol)) {
        errs.add(FieldError.notSupported(p + ".protocol", protocol, PROTOCOLS));
      }
    }
  }

  private static void env(JsonNode env, String path, List<FieldError> errs) {
    for (int i = 0; i < env.size(); i++) {
      JsonNode e = env.get(i);
      String p = path + "[" + i + "]";
      String name = e.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(p + ".name", null));
      } else {
        for (String m : NameRules.envVarName(name)) {
          errs.add(FieldError.invalid(p + ".name", name, m));
        }
      }
      if (e.hasNonNull("valueFrom")) {
        if (e.hasNonNull("value") && !e.path("value").asText("").isEmpty()) {
          errs.add(
              FieldError.invalid(
                  p + ".valueFrom", "", "may not be specified when `value` is not empty"));
        }
        int refs = 0;
        for (String r :
            new String[] {
              "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"
            }) {
          if (e.path("valueFrom").hasNonNull(r)) {
            refs++;
          }
        }
        if (refs == 0) {
          errs.add(
              FieldError.invalid(
                  p + ".valueFrom",
                  "",
                  "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if (refs > 1) {
          errs.add(
              FieldError.invalid(
                  p + ".valueFrom", "", "may not have more than one field specified at a time"));
        } else if (e.path("valueFrom").hasNonNull("fieldRef")) {
          DownwardApiValidator.envFieldRef(
              e.path("valueFrom").path("fieldRef"), p + ".valueFrom.fieldRef", errs);
        } else if (e.path("valueFrom").hasNonNull("resourceFieldRef")) {
          DownwardApiValidator.envResourceFieldRef(
              e.path("valueFrom").path("resourceFieldRef"),
              p + ".valueFrom.resourceFieldRef",
              errs);
        }
      }
    }
  }

  private static void tolerations(JsonNode tolerations, String path, List<FieldError> errs) {
    for (int i = 0; i < tolerations.size(); i++) {
      JsonNode t = tolerations.get(i);
      String p = path + "[" + i + "]";
      String key = t.path("key").asText("");
      if (!key.isEmpty()) {
        for (String m : NameRules.qualifiedName(key)) {
          errs.add(FieldError.invalid(p + ".key", key, m));
        }
      }
      String op = t.path("operator").asText("");
      if (!op.isEmpty() && !op.equals("Equal") && !op.equals("Exists")) {
        errs.add(FieldError.notSupported(p + ".operator", op, List.of("Equal", "Exists")));
      }
      if (key.isEmpty() && !op.equals("Exists")) {
        errs.add(
            FieldError.invalid(
                p + ".operator",
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
      }
      if ("Exists".equals(op) && !t.path("value").asText("").isEmpty()) {
        errs.add(
            FieldError.invalid(
                p + ".operator",
                t.path("value").asText(),
                "value must be empty when `operator` is 'Exists'"));
      }
      String effect = t.path("effect").asText("");
      if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
        errs.add(FieldError.notSupported(p + ".effect", effect, TAINT_EFFECTS));
      }
      if (t.hasNonNull("tolerationSeconds") && !"NoExecute".equals(effect)) {
        errs.add(
            FieldError.invalid(
                p + ".effect",
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
    }
  }
}
