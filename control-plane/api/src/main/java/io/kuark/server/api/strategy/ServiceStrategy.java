package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.alloc.Allocation;
import io.kuark.server.api.alloc.NodePortAllocator;
import io.kuark.server.api.alloc.ServiceIpAllocator;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Services: allocates the ClusterIP from the service CIDR and NodePorts (30000-32767) for
 * NodePort/LoadBalancer Services on create, keeps them across updates, frees them on delete. Asking
 * for a taken or out-of-range address or port is 422 Invalid, like upstream.
 */
final class ServiceStrategy implements ResourceStrategy {

  private final ResourceType type;
  private final ServiceIpAllocator ips;
  private final NodePortAllocator ports;

  ServiceStrategy(ResourceType type, ServiceIpAllocator ips, NodePortAllocator ports) {
    this.type = type;
    this.ips = ips;
    this.ports = ports;
  }

  @Override
  public void prepareForCreate(ObjectNode service) {
    service.putObject("status").putObject("loadBalancer");
    ObjectNode spec = service.with("spec");
    applyDefaults(spec);
    String owner = Meta.namespace(service) + "/" + Meta.name(service);
    List<String> takenIps = new ArrayList<>();
    List<Integer> takenPorts = new ArrayList<>();
    try {
      allocateIp(service, spec, owner, takenIps);
      allocateNodePorts(service, spec, null, owner, takenPorts);
    } catch (RuntimeException e) {
      takenIps.forEach(ips::release);
      takenPorts.forEach(ports::release);
      throw e;
    }
  }

  @Override
  public void createAborted(ObjectNode service) {
    release(service, null);
  }

  @Override
  public void prepareForUpdate(ObjectNode updated, ObjectNode old) {
    ObjectNode spec = updated.with("spec");
    JsonNode oldSpec = old.path("spec");
    applyDefaults(spec);
    String oldIp = oldSpec.path("clusterIP").asText("");
    String newIp = spec.path("clusterIP").asText("");
    if (newIp.isEmpty() && !oldIp.isEmpty() && !isExternalName(spec)) {
      spec.put("clusterIP", oldIp);
      spec.set("clusterIPs", oldSpec.path("clusterIPs").deepCopy());
    } else if (!newIp.equals(oldIp) && !oldIp.isEmpty() && !isExternalName(spec)) {
      throw Statuses.invalid(
          type,
          Meta.name(updated),
          "spec.clusterIPs[0]",
          "Invalid value: " + quote(newIp) + ": may not change once set");
    }
    String owner = Meta.namespace(updated) + "/" + Meta.name(updated);
    allocateNodePorts(updated, spec, oldSpec, owner, new ArrayList<>());
  }

  @Override
  public void afterDelete(ObjectNode deleted) {
    release(deleted, null);
  }

  private void release(ObjectNode service, JsonNode keep) {
    String ip = service.path("spec").path("clusterIP").asText("");
    if (!ip.isEmpty() && !ip.equals("None")) {
      ips.release(ip);
    }
    for (JsonNode port : service.path("spec").path("ports")) {
      int nodePort = port.path("nodePort").asInt(0);
      if (nodePort > 0) {
        ports.release(nodePort);
      }
    }
  }

  private void allocateIp(ObjectNode service, ObjectNode spec, String owner, List<String> taken) {
    if (isExternalName(spec)) {
      spec.remove("clusterIP");
      spec.remove("clusterIPs");
      return;
    }
    String requested = spec.path("clusterIP").asText("");
    if (requested.isEmpty() && spec.path("clusterIPs").size() > 0) {
      requested = spec.path("clusterIPs").get(0).asText("");
    }
    if (requested.equals("None")) {
      setIp(spec, "None");
      return;
    }
    if (requested.isEmpty()) {
      String ip =
          ips.takeAny(owner)
              .orElseThrow(
                  () ->
                      Statuses.failure(
                          500,
                          "InternalError",
                          "Internal error occurred: failed to allocate a serviceIP: range is full",
                          null));
      taken.add(ip);
      setIp(spec, ip);
      return;
    }
    Allocation result = ips.take(requested, owner);
    if (result == Allocation.TAKEN) {
      throw Statuses.invalid(
          type,
          Meta.name(service),
          "spec.clusterIPs",
          "Invalid value: []string{"
              + quote(requested)
              + "}: failed to allocate IP "
              + requested
              + ": provided IP is already allocated");
    }
    if (result == Allocation.OUT_OF_RANGE) {
      throw Statuses.invalid(
          type,
          Meta.name(service),
          "spec.clusterIPs",
          "Invalid value: []string{"
              + quote(requested)
              + "}: failed to allocate IP "
              + requested
              + ": the provided network does not match the current range");
    }
    taken.add(requested);
    setIp(spec, requested);
  }

  private void allocateNodePorts(
      ObjectNode service, ObjectNode spec, JsonNode oldSpec, String owner, List<Integer> taken) {
    String kind = spec.path("type").asText("ClusterIP");
    if (!kind.equals("NodePort") && !kind.equals("LoadBalancer")) {
      return;
    }
    int i = 0;
    for (JsonNode port : spec.path("ports")) {
      ObjectNode p = (ObjectNode) port;
      int requested = p.path("nodePort").asInt(0);
      int previous = oldNodePort(oldSpec, p);
      if (requested == 0 && previous > 0) {
        p.put("nodePort", previous);
      } else if (requested == 0) {
        int allocated =
            ports
                .takeAny(owner)
                .orElseThrow(
                    () ->
                        Statuses.failure(
                            500,
                            "InternalError",
                            "Internal error occurred: failed to allocate a nodePort: range is full",
                            null));
        taken.add(allocated);
        p.put("nodePort", allocated);
      } else if (requested != previous) {
        Allocation result = ports.take(requested, owner);
        if (result != Allocation.ALLOCATED) {
          String why =
              result == Allocation.TAKEN
                  ? "provided port is already allocated"
                  : "provided port is not in the valid range. The range of valid ports is"
                      + " 30000-32767";
          throw Statuses.invalid(
              type,
              Meta.name(service),
              "spec.ports[" + i + "].nodePort",
              "Invalid value: " + requested + ": " + why);
        }
        taken.add(requested);
      }
      i++;
    }
  }

  private static int oldNodePort(JsonNode oldSpec, JsonNode port) {
    if (oldSpec == null) {
      return 0;
    }
    for (JsonNode old : oldSpec.path("ports")) {
      if (old.path("port").asInt() == port.path("port").asInt()
          && old.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))) {
        return old.path("nodePort").asInt(0);
      }
    }
    return 0;
  }

  private static void applyDefaults(ObjectNode spec) {
    if (!spec.has("type")) {
      spec.put("type", "ClusterIP");
    }
    if (!spec.has("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    if (!isExternalName(spec)) {
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      if (!spec.has("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
      if (!spec.has("internalTrafficPolicy")) {
        spec.put("internalTrafficPolicy", "Cluster");
      }
    }
    String kind = spec.path("type").asText();
    if ((kind.equals("NodePort") || kind.equals("LoadBalancer"))
        && !spec.has("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    for (JsonNode port : spec.path("ports")) {
      ObjectNode p = (ObjectNode) port;
      if (!p.has("protocol")) {
        p.put("protocol", "TCP");
      }
      if (!p.has("targetPort") && p.has("port")) {
        p.set("targetPort", p.get("port"));
      }
    }
  }

  private static boolean isExternalName(JsonNode spec) {
    return spec.path("type").asText("").equals("ExternalName");
  }

  private static void setIp(ObjectNode spec, String ip) {
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
