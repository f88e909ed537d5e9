package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultBool;
import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultLong;
import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultText;
import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Upstream's core/v1 defaults for a PodSpec (in pods and in pod templates) and its containers,
 * volumes and probes.
 */
public final class PodSpecDefaults {

  private PodSpecDefaults() {}

  /** Defaults a PodSpec in place. */
  public static void apply(ObjectNode spec) {
    defaultText(spec, "dnsPolicy", "ClusterFirst");
    defaultText(spec, "restartPolicy", "Always");
    defaultLong(spec, "terminationGracePeriodSeconds", 30);
    defaultText(spec, "schedulerName", "default-scheduler");
    if (!spec.hasNonNull("securityContext")) {
      spec.putObject("securityContext");
    }
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    for (JsonNode c : spec.path("initContainers")) {
      if (c instanceof ObjectNode container) {
        container(container, hostNetwork);
      }
    }
    for (JsonNode c : spec.path("containers")) {
      if (c instanceof ObjectNode container) {
        container(container, hostNetwork);
      }
    }
    for (JsonNode c : spec.path("ephemeralContainers")) {
      if (c instanceof ObjectNode container) {
        container(container, hostNetwork);
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v instanceof ObjectNode volume) {
        volume(volume);
      }
    }
  }

  /** Pod-only defaults (not for templates): service links, requests from limits. */
  public static void applyPodOnly(ObjectNode spec) {
    defaultBool(spec, "enableServiceLinks", true);
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container) {
          requestsFromLimits(container);
        }
      }
    }
  }

  static void container(ObjectNode c, boolean hostNetwork) {
    defaultText(c, "terminationMessagePath", "/dev/termination-log");
    defaultText(c, "terminationMessagePolicy", "File");
    defaultText(c, "imagePullPolicy", pullPolicyFor(c.path("image").asText("")));
    if (!c.hasNonNull("resources")) {
      c.putObject("resources");
    }
    for (JsonNode p : c.path("ports")) {
      if (p instanceof ObjectNode port) {
        defaultText(port, "protocol", "TCP");
        if (hostNetwork && !port.hasNonNull("hostPort") && port.has("containerPort")) {
          port.set("hostPort", port.get("containerPort"));
        }
      }
    }
    for (JsonNode e : c.path("env")) {
      JsonNode fieldRef = e.path("valueFrom").path("fieldRef");
      if (fieldRef instanceof ObjectNode ref) {
        defaultText(ref, "apiVersion", "v1");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (c.get(probe) instanceof ObjectNode p) {
        probe(p);
      }
    }
    JsonNode lifecycle = c.path("lifecycle");
    for (String hook : new String[] {"postStart", "preStop"}) {
      if (lifecycle.path(hook).path("httpGet") instanceof ObjectNode h) {
        defaultText(h, "scheme", "HTTP");
      }
    }
  }

  /**
   * {@code Always} for {@code :latest} or untagged images (digests excepted), else {@code
   * IfNotPresent}.
   */
  public static String pullPolicyFor(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    String last = image.substring(slash + 1);
    int colon = last.lastIndexOf(':');
    if (colon < 0) {
      return "Always";
    }
    return "latest".equals(last.substring(colon + 1)) ? "Always" : "IfNotPresent";
  }

  static void probe(ObjectNode p) {
    defaultLong(p, "timeoutSeconds", 1);
    defaultLong(p, "periodSeconds", 10);
    defaultLong(p, "successThreshold", 1);
    defaultLong(p, "failureThreshold", 3);
    if (p.path("httpGet") instanceof ObjectNode h) {
      defaultText(h, "scheme", "HTTP");
    }
    if (p.path("grpc") instanceof ObjectNode g && !g.hasNonNull("service")) {
      g.put("service", "");
    }
  }

  static void volume(ObjectNode v) {
    for (String source : new String[] {"secret", "configMap", "downwardAPI", "projected"}) {
      if (v.path(source) instanceof ObjectNode s) {
        defaultLong(s, "defaultMode", 420);
        if (source.equals("downwardAPI")) {
          for (JsonNode item : s.path("items")) {
            if (item.path("fieldRef") instanceof ObjectNode ref) {
              defaultText(ref, "apiVersion", "v1");
            }
          }
        }
        if (source.equals("projected")) {
          for (JsonNode src : s.path("sources")) {
            if (src.path("serviceAccountToken") instanceof ObjectNode t) {
              defaultLong(t, "expirationSeconds", 3600);
            }
          }
        }
      }
    }
    if (v.path("hostPath") instanceof ObjectNode h && !h.hasNonNull("type")) {
      h.put("type", "");
    }
    if (v.path("iscsi") instanceof ObjectNode i) {
      defaultText(i, "iscsiInterface", "default");
    }
  }

  private static void requestsFromLimits(ObjectNode container) {
    JsonNode limits = container.path("resources").path("limits");
    if (!limits.isObject() || limits.isEmpty()) {
      return;
    }
    ObjectNode resources = obj(container, "resources");
    ObjectNode requests = obj(resources, "requests");
    Iterator<Map.Entry<String, JsonNode>> it = limits.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!requests.has(e.getKey())) {
        requests.set(e.getKey(), e.getValue());
      }
    }
  }
}
