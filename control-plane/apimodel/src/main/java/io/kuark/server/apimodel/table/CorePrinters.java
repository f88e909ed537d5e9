package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.Cells.num;
import static io.kuark.server.apimodel.table.Cells.text;
import static io.kuark.server.apimodel.table.ColumnDefinition.age;
import static io.kuark.server.apimodel.table.ColumnDefinition.col;
import static io.kuark.server.apimodel.table.ColumnDefinition.nameColumn;
import static io.kuark.server.apimodel.table.ColumnDefinition.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Printers for core/v1 kinds (besides Pod) and events.k8s.io Events, with upstream's columns. */
final class CorePrinters {

  private CorePrinters() {}

  static void register(Map<String, Printer> out) {
    out.put("/Pod", new PodPrinter());
    out.put("/Service", service());
    out.put("/Node", node());
    out.put("/Namespace", namespace());
    out.put("/Event", event(false));
    out.put("events.k8s.io/Event", event(true));
    out.put(
        "/ConfigMap",
        simple(
            col("Data", "string", "Data contains the configuration data."),
            o -> Cells.size(o.path("data")) + Cells.size(o.path("binaryData"))));
    out.put("/Secret", secret());
    out.put(
        "/ServiceAccount",
        simple(
            col(
                "Secrets",
                "string",
                "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
            o -> Cells.size(o.path("secrets"))));
    out.put(
        "/Endpoints",
        simple(
            col("Endpoints", "string", "The set of all endpoints is the union of all subsets."),
            CorePrinters::endpoints));
    out.put("/PersistentVolume", persistentVolume());
    out.put("/ResourceQuota", resourceQuota());
    out.put("/PersistentVolumeClaim", persistentVolumeClaim());
  }

  /** Name, one computed column, Age. */
  static Printer simple(
      ColumnDefinition column, java.util.function.Function<JsonNode, Object> value) {
    return Printer.of(
        List.of(nameColumn(), column, age()), (o, now) -> cells(o, value.apply(o), ageOf(o, now)));
  }

  static List<Object> cells(JsonNode o, Object... rest) {
    List<Object> cells = new ArrayList<>();
    cells.add(text(o, "metadata", "name"));
    for (Object r : rest) {
      cells.add(r);
    }
    return cells;
  }

  static String ageOf(JsonNode o, Instant now) {
    return HumanDuration.since(text(o, "metadata", "creationTimestamp"), now);
  }

  private static Printer secret() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Type", "string", "Used to facilitate programmatic handling of secret data."),
            col("Data", "string", "Data contains the secret data."),
            age()),
        (o, now) -> cells(o, text(o, "type"), Cells.size(o.path("data")), ageOf(o, now)));
  }

  private static Printer namespace() {
    return Printer.of(
        List.of(nameColumn(), col("Status", "string", "The status of the namespace"), age()),
        (o, now) -> cells(o, text(o, "status", "phase"), ageOf(o, now)));
  }

  private static Printer service() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Type", "string", "type determines how the Service is exposed."),
            col("Cluster-IP", "string", "clusterIP is the IP address of the service."),
            col(
                "External-IP",
                "string",
                "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            col("Port(s)", "string", "The list of ports that are exposed by this service."),
            age(),
            wide(
                "Selector",
                "string",
                "Route service traffic to pods with label keys and values matching this selector.")),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          String type = spec.path("type").asText("ClusterIP");
          return cells(
              o,
              type,
              Cells.orNone(
                  spec.path("clusterIPs").path(0).asText(spec.path("clusterIP").asText(""))),
              externalIp(type, spec, o.path("status")),
              ports(spec.path("ports")),
              ageOf(o, now),
              Cells.labels(spec.path("selector")));
        });
  }

  private static String externalIp(String type, JsonNode spec, JsonNode status) {
    List<String> external = new ArrayList<>();
    spec.path("externalIPs").forEach(n -> external.add(n.asText()));
    switch (type) {
      case "ClusterIP", "NodePort":
        return external.isEmpty() ? Cells.NONE : String.join(",", external);
      case "LoadBalancer":
        List<String> lb = new ArrayList<>(loadBalancerAddresses(status.path("loadBalancer")));
        lb.addAll(external);
        return lb.isEmpty() ? "<pending>" : String.join(",", lb);
      case "ExternalName":
        return spec.path("externalName").asText("");
      default:
        return "<unknown>";
    }
  }

  /** The sorted, distinct IPs (or hostnames) of a load balancer status. */
  static java.util.SortedSet<String> loadBalancerAddresses(JsonNode loadBalancer) {
    java.util.SortedSet<String> out = new TreeSet<>();
    for (JsonNode ing : loadBalancer.path("ingress")) {
      if (!ing.path("ip").asText("").isEmpty()) {
        out.add(ing.path("ip").asText());
      } else if (!ing.path("hostname").asText("").isEmpty()) {
        out.add(ing.path("hostname").asText());
      }
    }
    return out;
  }

  private static String ports(JsonNode ports) {
    if (ports.size() == 0) {
      return Cells.NONE;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode p : ports) {
      String protocol = p.path("protocol").asText("TCP");
      long nodePort = p.path("nodePort").asLong(0);
      out.add(
          nodePort != 0
              ? p.path("port").asLong() + ":" + nodePort + "/" + protocol
              : p.path("port").asLong() + "/" + protocol);
    }
    return String.join(",", out);
  }

  private static Printer node() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Status", "string", "The status of the node"),
            col("Roles", "string", "The roles of the node"),
            age(),
            col("Version", "string", "Kubelet Version reported by the node."),
            wide("Internal-IP", "string", "List of addresses reachable to the node."),
            wide("External-IP", "string", "List of addresses reachable to the node."),
            wide(
                "OS-Image",
                "string",
                "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            wide(
                "Kernel-Version",
                "string",
                "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            wide(
                "Container-Runtime",
                "string",
                "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")),
        (o, now) -> {
          JsonNode info = o.path("status").path("nodeInfo");
          return cells(
              o,
              nodeStatus(o),
              nodeRoles(o.path("metadata").path("labels")),
              ageOf(o, now),
              info.path("kubeletVersion").asText(""),
              address(o, "InternalIP"),
              address(o, "ExternalIP"),
              unknownIfEmpty(info.path("osImage").asText("")),
              unknownIfEmpty(info.path("kernelVersion").asText("")),
              unknownIfEmpty(info.path("containerRuntimeVersion").asText("")));
        });
  }

  private static String unknownIfEmpty(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  private static String nodeStatus(JsonNode node) {
    List<String> status = new ArrayList<>();
    for (JsonNode c : node.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        status.add("True".equals(c.path("status").asText()) ? "Ready" : "NotReady");
        break;
      }
    }
    if (status.isEmpty()) {
      status.add("Unknown");
    }
    if (node.path("spec").path("unschedulable").asBoolean(false)) {
      status.add("SchedulingDisabled");
    }
    return String.join(",", status);
  }

  private static String nodeRoles(JsonNode labels) {
    TreeSet<String> roles = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.startsWith("node-role.kubernetes.io/")) {
        String role = key.substring("node-role.kubernetes.io/".length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (key.equals("kubernetes.io/role") && !e.getValue().asText().isEmpty()) {
        roles.add(e.getValue().asText());
      }
    }
    return roles.isEmpty() ? Cells.NONE : String.join(",", roles);
  }

  private static String address(JsonNode node, String type) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (type.equals(a.path("type").asText())) {
        return a.path("address").asText();
      }
    }
    return Cells.NONE;
  }

  /**
   * Events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (+ wide SUBOBJECT, SOURCE, FIRST SEEN, COUNT,
   * NAME). events.k8s.io/v1 objects carry the same data under other field names.
   */
  private static Printer event(boolean eventsApi) {
    return Printer.of(
        List.of(
            col(
                "Last Seen",
                "string",
                "The time at which the most recent occurrence of this event was recorded."),
            col(
                "Type",
                "string",
                "Type of this event (Normal, Warning), new types could be added in the future"),
            col(
                "Reason",
                "string",
                "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            col("Object", "string", "The object that this event is about."),
            wide(
                "Subobject",
                "string",
                "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement."),
            wide(
                "Source",
                "string",
                "The component reporting this event. Should be a short machine understandable string."),
            col(
                "Message",
                "string",
                "A human-readable description of the status of this operation."),
            wide(
                "First Seen",
                "string",
                "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            wide("Count", "string", "The number of times this event has occurred."),
            new ColumnDefinition(
                "Name", "string", "name", ColumnDefinition.nameColumn().description(), 1)),
        (o, now) -> {
          String first = text(o, eventsApi ? "deprecatedFirstTimestamp" : "firstTimestamp");
          String firstSeen =
              first.isEmpty()
                  ? HumanDuration.since(text(o, "eventTime"), now)
                  : HumanDuration.since(first, now);
          String last = text(o, eventsApi ? "deprecatedLastTimestamp" : "lastTimestamp");
          String lastSeen = last.isEmpty() ? firstSeen : HumanDuration.since(last, now);
          long count = num(o, 0, eventsApi ? "deprecatedCount" : "count");
          JsonNode series = o.path("series");
          if (series.isObject()) {
            lastSeen = HumanDuration.since(series.path("lastObservedTime").asText(""), now);
            count = series.path("count").asLong(0);
          } else if (count == 0) {
            count = 1;
          }
          JsonNode involved = o.path(eventsApi ? "regarding" : "involvedObject");
          String kind = involved.path("kind").asText("").toLowerCase(Locale.ROOT);
          String name = involved.path("name").asText("");
          String target = name.isEmpty() ? kind : kind + "/" + name;
          JsonNode source = o.path(eventsApi ? "deprecatedSource" : "source");
          String component =
              firstNonEmpty(source.path("component").asText(""), text(o, "reportingController"));
          String host = firstNonEmpty(source.path("host").asText(""), text(o, "reportingInstance"));
          List<Object> cells = new ArrayList<>();
          cells.add(lastSeen);
          cells.add(text(o, "type"));
          cells.add(text(o, "reason"));
          cells.add(target);
          cells.add(involved.path("fieldPath").asText(""));
          cells.add(host.isEmpty() ? component : component + ", " + host);
          cells.add(text(o, eventsApi ? "note" : "message").trim());
          cells.add(firstSeen);
          cells.add(count);
          cells.add(text(o, "metadata", "name"));
          return cells;
        });
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  private static String endpoints(JsonNode o) {
    List<String> list = new ArrayList<>();
    for (JsonNode subset : o.path("subsets")) {
      if (subset.path("ports").size() == 0) {
        subset.path("addresses").forEach(a -> list.add(a.path("ip").asText()));
      } else {
        for (JsonNode port : subset.path("ports")) {
          for (JsonNode a : subset.path("addresses")) {
            String ip = a.path("ip").asText();
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            list.add(host + ":" + port.path("port").asLong());
          }
        }
      }
    }
    return Cells.listWithMore(list, Cells.NONE);
  }

  /** Name, Age, then "resource: used/hard" lists split into requests and limits.* entries. */
  private static Printer resourceQuota() {
    return Printer.of(
        List.of(
            nameColumn(),
            age(),
            col(
                "Request",
                "string",
                "Request represents a minimum amount of cpu/memory that a container may consume."),
            col(
                "Limit",
                "string",
                "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.")),
        (o, now) -> {
          JsonNode hard = o.path("status").path("hard");
          JsonNode used = o.path("status").path("used");
          java.util.TreeSet<String> names = new java.util.TreeSet<>();
          hard.fieldNames().forEachRemaining(names::add);
          List<String> requests = new ArrayList<>();
          List<String> limits = new ArrayList<>();
          for (String r : names) {
            String entry = r + ": " + used.path(r).asText("0") + "/" + hard.path(r).asText("0");
            if (r.startsWith("limits.")) {
              limits.add(entry);
            } else {
              requests.add(entry);
            }
          }
          return cells(o, ageOf(o, now), String.join(", ", requests), String.join(", ", limits));
        });
  }

  private static Printer persistentVolume() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "Capacity",
                "string",
                "capacity is the description of the persistent volume's resources and capacity."),
            col(
                "Access Modes",
                "string",
                "accessModes contains all ways the volume can be mounted."),
            col(
                "Reclaim Policy",
                "string",
                "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            col(
                "Status",
                "string",
                "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            col(
                "Claim",
                "string",
                "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            col("StorageClass", "string", "StorageClass of the pv"),
            col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
            col(
                "Reason",
                "string",
                "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            age(),
            wide(
                "VolumeMode",
                "string",
                "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.")),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          JsonNode claim = spec.path("claimRef");
          String claimText =
              claim.isObject()
                  ? claim.path("namespace").asText("") + "/" + claim.path("name").asText("")
                  : "";
          String phase = text(o, "status", "phase");
          if (!text(o, "metadata", "deletionTimestamp").isEmpty()) {
            phase = "Terminating";
          }
          return cells(
              o,
              spec.path("capacity").path("storage").asText(""),
              Cells.accessModes(spec.path("accessModes")),
              spec.path("persistentVolumeReclaimPolicy").asText(""),
              phase,
              claimText,
              storageClass(o),
              Cells.orUnset(spec.path("volumeAttributesClassName").asText("")),
              text(o, "status", "reason"),
              ageOf(o, now),
              Cells.orUnset(spec.path("volumeMode").asText("")));
        });
  }

  private static Printer persistentVolumeClaim() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
            col(
                "Volume",
                "string",
                "volumeName is the binding reference to the PersistentVolume backing this claim."),
            col(
                "Capacity",
                "string",
                "capacity represents the actual resources of the underlying volume."),
            col(
                "Access Modes",
                "string",
                "accessModes contains the actual access modes the volume backing the PVC has."),
            col("StorageClass", "string", "StorageClass of the pvc"),
            col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
            age(),
            wide(
                "VolumeMode",
                "string",
                "volumeMode defines what type of volume is required by the claim.")),
        (o, now) -> {
          String phase = text(o, "status", "phase");
          if (!text(o, "metadata", "deletionTimestamp").isEmpty()) {
            phase = "Terminating";
          }
          boolean bound = !text(o, "spec", "volumeName").isEmpty();
          return cells(
              o,
              phase,
              text(o, "spec", "volumeName"),
              bound ? o.path("status").path("capacity").path("storage").asText("") : "",
              bound ? Cells.accessModes(o.path("status").path("accessModes")) : "",
              storageClass(o),
              Cells.orUnset(text(o, "spec", "volumeAttributesClassName")),
              ageOf(o, now),
              Cells.orUnset(text(o, "spec", "volumeMode")));
        });
  }

  private static String storageClass(JsonNode o) {
    String annotation =
        o.path("metadata")
            .path("annotations")
            .path("volume.beta.kubernetes.io/storage-class")
            .asText("");
    return annotation.isEmpty() ? text(o, "spec", "storageClassName") : annotation;
  }
}
