package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultBool;
import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultText;
import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services: DNS-1035 names, upstream defaults (type ClusterIP, sessionAffinity None, TCP, target
 * port = port, traffic policies, single-stack IPv4) and validation. Cluster IP and node port
 * allocation are not done here.
 */
public final class ServiceStrategy extends GenericStrategy {

  static final List<String> TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

  public ServiceStrategy(ResourceType type) {
    super(type, NameRules::dns1035Label, false);
  }

  @Override
  protected void defaults(ObjectNode svc) {
    ObjectNode spec = obj(svc, "spec");
    defaultText(spec, "type", "ClusterIP");
    String type = spec.path("type").asText();
    defaultText(spec, "sessionAffinity", "None");
    if ("ClientIP".equals(spec.path("sessionAffinity").asText())) {
      GenericStrategy.defaultLong(
          obj(obj(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds", 10800);
    }
    for (JsonNode p : spec.path("ports")) {
      if (p instanceof ObjectNode port) {
        defaultText(port, "protocol", "TCP");
        if (!port.hasNonNull("targetPort") && port.has("port")) {
          port.set("targetPort", port.get("port"));
        }
      }
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      defaultText(spec, "externalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer")) {
      defaultBool(spec, "allocateLoadBalancerNodePorts", true);
    }
    if (!type.equals("ExternalName")) {
      defaultText(spec, "internalTrafficPolicy", "Cluster");
      defaultText(spec, "ipFamilyPolicy", "SingleStack");
      if (spec.path("ipFamilies").size() == 0) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      String clusterIp = spec.path("clusterIP").asText("");
      if (!clusterIp.isEmpty() && spec.path("clusterIPs").size() == 0) {
        spec.putArray("clusterIPs").add(clusterIp);
      }
    }
  }

  @Override
  protected JsonNode initialStatus(ObjectNode object) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.putObject("loadBalancer");
    return status;
  }

  @Override
  protected void validateObject(ObjectNode svc, List<FieldError> errs) {
    JsonNode spec = svc.path("spec");
    String type = spec.path("type").asText("");
    if (!TYPES.contains(type)) {
      errs.add(FieldError.notSupported("spec.type", type, TYPES));
    }
    String affinity = spec.path("sessionAffinity").asText("");
    if (!affinity.equals("None") && !affinity.equals("ClientIP")) {
      errs.add(
          FieldError.notSupported("spec.sessionAffinity", affinity, List.of("ClientIP", "None")));
    }
    boolean headless = "None".equals(spec.path("clusterIP").asText(""));
    JsonNode ports = spec.path("ports");
    if (type.equals("ExternalName")) {
      String external = spec.path("externalName").asText("");
      if (external.isEmpty()) {
        errs.add(FieldError.required("spec.externalName", null));
      } else {
        for (String m :
            NameRules.dns1123Subdomain(
                external.endsWith(".") ? external.substring(0, external.length() - 1) : external)) {
          errs.add(FieldError.invalid("spec.externalName", external, m));
        }
      }
    } else if (ports.size() == 0 && !headless) {
      errs.add(FieldError.required("spec.ports", null));
    }
    Set<String> names = new HashSet<>();
    Set<String> portProtocols = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String p = "spec.ports[" + i + "]";
      String name = port.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        errs.add(FieldError.required(p + ".name", null));
      } else if (!name.isEmpty()) {
        for (String m : NameRules.dns1123Label(name)) {
          errs.add(FieldError.invalid(p + ".name", name, m));
        }
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(p + ".name", name));
        }
      }
      JsonNode number = port.path("port");
      if (!number.isNumber() || number.asLong() < 1 || number.asLong() > 65535) {
        errs.add(
            FieldError.invalid(
                p + ".port",
                number.isNumber() ? number : 0,
                "must be between 1 and 65535, inclusive"));
      }
      String protocol = port.path("protocol").asText("");
      if (!PodSpecValidator.PROTOCOLS.contains(protocol)) {
        errs.add(FieldError.notSupported(p + ".protocol", protocol, PodSpecValidator.PROTOCOLS));
      }
      if (!portProtocols.add(number.asText() + "/" + protocol)) {
        errs.add(
            FieldError.duplicate(
                p,
                new Selectors.RawValue(
                    "core.ServicePort{Name:"
                        + new com.fasterxml.jackson.databind.node.TextNode(name)
                        + ", Protocol:"
                        + new com.fasterxml.jackson.databind.node.TextNode(protocol)
                        + ", Port:"
                        + number.asText()
                        + "}")));
      }
      JsonNode target = port.path("targetPort");
      if (target.isNumber() && (target.asLong() < 1 || target.asLong() > 65535)) {
        errs.add(
            FieldError.invalid(
                p + ".targetPort", target, "must be between 1 and 65535, inclusive"));
      } else if (target.isTextual()) {
        for (String m : NameRules.ianaServiceName(target.asText())) {
          errs.add(FieldError.invalid(p + ".targetPort", target.asText(), m));
        }
      }
      JsonNode nodePort = port.path("nodePort");
      if (nodePort.isNumber()
          && nodePort.asLong() != 0
          && !type.equals("NodePort")
          && !type.equals("LoadBalancer")) {
        errs.add(
            FieldError.forbidden(p + ".nodePort", "may not be used when `type` is '" + type + "'"));
      }
    }
    MetadataValidator.labels(spec.path("selector"), "spec.selector", errs);
    String clusterIp = spec.path("clusterIP").asText("");
    if (!clusterIp.isEmpty() && !headless && !isIp(clusterIp)) {
      errs.add(
          FieldError.invalid(
              "spec.clusterIPs[0]",
              clusterIp,
              "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }
  }

  @Override
  protected void validateObjectUpdate(ObjectNode svc, JsonNode old, List<FieldError> errs) {
    String oldType = old.path("spec").path("type").asText("");
    String newType = svc.path("spec").path("type").asText("");
    if (oldType.equals("ExternalName") || newType.equals("ExternalName")) {
      return;
    }
    JsonNode before = old.path("spec").path("clusterIPs");
    JsonNode now = svc.path("spec").path("clusterIPs");
    if (before.size() > 0 && !before.path(0).equals(now.path(0))) {
      errs.add(FieldError.invalid("spec.clusterIPs[0]", goStrings(now), "may not change once set"));
    }
  }

  /**
   * Copies the allocated cluster IPs of the old object when an update left them out (like
   * upstream).
   */
  @Override
  public void prepareForUpdate(ObjectNode svc, JsonNode old) {
    super.prepareForUpdate(svc, old);
    ObjectNode spec = obj(svc, "spec");
    JsonNode oldSpec = old.path("spec");
    if (spec.path("clusterIP").asText("").isEmpty()
        && !oldSpec.path("clusterIP").asText("").isEmpty()
        && !"ExternalName".equals(spec.path("type").asText())) {
      spec.set("clusterIP", oldSpec.get("clusterIP"));
      if (oldSpec.has("clusterIPs")) {
        spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
      }
    }
  }

  private static Selectors.RawValue goStrings(JsonNode array) {
    StringBuilder b = new StringBuilder("[]string{");
    for (int i = 0; i < array.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(array.get(i));
    }
    return new Selectors.RawValue(b.append('}').toString());
  }

  static boolean isIp(String s) {
    if (s.matches("^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$")) {
      return true;
    }
    return s.contains(":") && s.matches("^[0-9a-fA-F:.]+$");
  }

  static ArrayNode strings(String... values) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }
}
