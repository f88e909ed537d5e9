package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.Cells.num;
import static io.kuark.server.apimodel.table.Cells.text;
import static io.kuark.server.apimodel.table.ColumnDefinition.age;
import static io.kuark.server.apimodel.table.ColumnDefinition.col;
import static io.kuark.server.apimodel.table.ColumnDefinition.nameColumn;
import static io.kuark.server.apimodel.table.ColumnDefinition.wide;
import static io.kuark.server.apimodel.table.CorePrinters.ageOf;
import static io.kuark.server.apimodel.table.CorePrinters.cells;
import static io.kuark.server.apimodel.table.CorePrinters.simple;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Printers for the non-core, non-workload kinds Kuark serves, with upstream's columns. */
final class ClusterPrinters {

  private ClusterPrinters() {}

  static void register(Map<String, Printer> out) {
    out.put("discovery.k8s.io/EndpointSlice", endpointSlice());
    out.put(
        "coordination.k8s.io/Lease",
        simple(
            col(
                "Holder",
                "string",
                "holderIdentity contains the identity of the holder of a current lease."),
            o -> text(o, "spec", "holderIdentity")));
    out.put("rbac.authorization.k8s.io/RoleBinding", binding("roleBinding"));
    out.put("rbac.authorization.k8s.io/ClusterRoleBinding", binding("clusterRoleBinding"));
    out.put("storage.k8s.io/StorageClass", storageClass());
    out.put("storage.k8s.io/CSIDriver", csiDriver());
    out.put(
        "storage.k8s.io/CSINode",
        simple(
            new ColumnDefinition(
                "Drivers",
                "integer",
                "",
                "Drivers indicates the number of CSI drivers registered on the node",
                0),
            o -> Cells.size(o.path("spec").path("drivers"))));
    out.put("storage.k8s.io/VolumeAttachment", volumeAttachment());
    out.put("networking.k8s.io/Ingress", ingress());
    out.put("networking.k8s.io/IngressClass", ingressClass());
    out.put(
        "networking.k8s.io/NetworkPolicy",
        simple(
            col(
                "Pod-Selector",
                "string",
                "podSelector selects the pods to which this NetworkPolicy object applies."),
            o -> Cells.selector(o.path("spec").path("podSelector"))));
    out.put("policy/PodDisruptionBudget", podDisruptionBudget());
    out.put("scheduling.k8s.io/PriorityClass", priorityClass());
    out.put(
        "node.k8s.io/RuntimeClass",
        simple(
            col(
                "Handler",
                "string",
                "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
            o -> text(o, "handler")));
  }

  private static Printer endpointSlice() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "AddressType",
                "string",
                "addressType specifies the type of address carried by this EndpointSlice."),
            col(
                "Ports",
                "string",
                "ports specifies the list of network ports exposed by each endpoint in this slice."),
            col("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
            age()),
        (o, now) -> {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : o.path("ports")) {
            if (p.path("port").isNumber()) {
              ports.add(Long.toString(p.path("port").asLong()));
            } else if (p.path("name").isTextual()) {
              ports.add(p.path("name").asText());
            } else {
              ports.add("*");
            }
          }
          List<String> addresses = new ArrayList<>();
          for (JsonNode e : o.path("endpoints")) {
            e.path("addresses").forEach(a -> addresses.add(a.asText()));
          }
          return cells(
              o,
              text(o, "addressType"),
              Cells.listWithMore(ports, "<unset>"),
              Cells.listWithMore(addresses, "<unset>"),
              ageOf(o, now));
        });
  }

  private static Printer binding(String what) {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "Role",
                "string",
                "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
            age(),
            wide("Users", "string", "Users in the " + what),
            wide("Groups", "string", "Groups in the " + what),
            wide("ServiceAccounts", "string", "ServiceAccounts in the " + what)),
        (o, now) -> {
          List<String> users = new ArrayList<>();
          List<String> groups = new ArrayList<>();
          List<String> sas = new ArrayList<>();
          for (JsonNode s : o.path("subjects")) {
            switch (s.path("kind").asText()) {
              case "User" -> users.add(s.path("name").asText());
              case "Group" -> groups.add(s.path("name").asText());
              case "ServiceAccount" ->
                  sas.add(s.path("namespace").asText("") + ":" + s.path("name").asText());
              default -> {}
            }
          }
          return cells(
              o,
              text(o, "roleRef", "kind") + "/" + text(o, "roleRef", "name"),
              ageOf(o, now),
              String.join(", ", users),
              String.join(", ", groups),
              String.join(", ", sas));
        });
  }

  private static Printer storageClass() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Provisioner", "string", "provisioner indicates the type of the provisioner."),
            col(
                "ReclaimPolicy",
                "string",
                "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            col(
                "VolumeBindingMode",
                "string",
                "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            col(
                "AllowVolumeExpansion",
                "string",
                "allowVolumeExpansion shows whether the storage class allow volume expand."),
            age()),
        (o, now) -> {
          JsonNode ann = o.path("metadata").path("annotations");
          boolean isDefault =
              "true".equals(ann.path("storageclass.kubernetes.io/is-default-class").asText())
                  || "true"
                      .equals(
                          ann.path("storageclass.beta.kubernetes.io/is-default-class").asText());
          List<Object> c =
              cells(
                  o,
                  text(o, "provisioner"),
                  o.path("reclaimPolicy").asText("Delete"),
                  o.path("volumeBindingMode").asText("Immediate"),
                  o.path("allowVolumeExpansion").asBoolean(false) ? "true" : "false",
                  ageOf(o, now));
          if (isDefault) {
            c.set(0, c.get(0) + " (default)");
          }
          return c;
        });
  }

  private static Printer csiDriver() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "AttachRequired",
                "boolean",
                "attachRequired indicates this CSI volume driver requires an attach operation."),
            col(
                "PodInfoOnMount",
                "boolean",
                "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations."),
            col(
                "StorageCapacity",
                "boolean",
                "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity."),
            col(
                "TokenRequests",
                "string",
                "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
            col(
                "RequiresRepublish",
                "boolean",
                "requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called to reflect any possible change in the mounted volume."),
            col(
                "Modes",
                "string",
                "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
            age()),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          List<String> audiences = new ArrayList<>();
          spec.path("tokenRequests").forEach(t -> audiences.add(t.path("audience").asText()));
          List<String> modes = new ArrayList<>();
          spec.path("volumeLifecycleModes").forEach(m -> modes.add(m.asText()));
          return cells(
              o,
              spec.path("attachRequired").asBoolean(true),
              spec.path("podInfoOnMount").asBoolean(false),
              spec.path("storageCapacity").asBoolean(false),
              audiences.isEmpty() ? "<unset>" : String.join(",", audiences),
              spec.path("requiresRepublish").asBoolean(false),
              modes.isEmpty() ? "<none>" : String.join(",", modes),
              ageOf(o, now));
        });
  }

  private static Printer volumeAttachment() {
    return Printer.of(
        List.of(
            nameColumn(),
            new ColumnDefinition(
                "Attacher",
                "string",
                "name",
                "attacher indicates the name of the volume driver that MUST handle this request.",
                0),
            col(
                "PV",
                "string",
                "persistentVolumeName represents the name of the persistent volume to attach."),
            col(
                "Node",
                "string",
                "nodeName represents the node that the volume should be attached to."),
            col("Attached", "boolean", "attached indicates the volume is successfully attached."),
            age()),
        (o, now) ->
            cells(
                o,
                text(o, "spec", "attacher"),
                text(o, "spec", "source", "persistentVolumeName"),
                text(o, "spec", "nodeName"),
                o.path("status").path("attached").asBoolean(false),
                ageOf(o, now)));
  }

  private static Printer ingress() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "Class",
                "string",
                "The name of the IngressClass resource that should be used for additional configuration"),
            col(
                "Hosts",
                "string",
                "Hosts that incoming requests are matched against before the ingress rule"),
            col(
                "Address",
                "string",
                "Address is a list containing ingress points for the load-balancer"),
            col("Ports", "string", "Ports of TLS configurations that open"),
            age()),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          String cls = spec.path("ingressClassName").asText("");
          if (cls.isEmpty()) {
            cls =
                o.path("metadata")
                    .path("annotations")
                    .path("kubernetes.io/ingress.class")
                    .asText("");
          }
          List<String> hosts = new ArrayList<>();
          JsonNode rules = spec.path("rules");
          boolean more = false;
          for (JsonNode r : rules) {
            if (hosts.size() == 3) {
              more = true;
            }
            if (!more && !r.path("host").asText("").isEmpty()) {
              hosts.add(r.path("host").asText());
            }
          }
          String hostText =
              hosts.isEmpty()
                  ? "*"
                  : String.join(",", hosts) + (more ? " + " + (rules.size() - 3) + " more..." : "");
          String addresses =
              String.join(
                  ",", CorePrinters.loadBalancerAddresses(o.path("status").path("loadBalancer")));
          return cells(
              o,
              Cells.orNone(cls),
              hostText,
              addresses,
              spec.path("tls").size() > 0 ? "80, 443" : "80",
              ageOf(o, now));
        });
  }

  private static Printer ingressClass() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Controller", "string", "Controller that is responsible for handling this class"),
            col("Parameters", "string", "A reference to a resource with additional parameters"),
            age()),
        (o, now) -> {
          JsonNode p = o.path("spec").path("parameters");
          String params = Cells.NONE;
          if (p.isObject()) {
            params = p.path("kind").asText();
            if (!p.path("apiGroup").asText("").isEmpty()) {
              params += "." + p.path("apiGroup").asText();
            }
            params += "/" + p.path("name").asText();
          }
          return cells(o, text(o, "spec", "controller"), params, ageOf(o, now));
        });
  }

  private static Printer podDisruptionBudget() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Min Available", "string", "The minimum number of pods that must be available."),
            col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
            col(
                "Allowed Disruptions",
                "integer",
                "Calculated number of pods that may be disrupted at this time."),
            age()),
        (o, now) -> {
          JsonNode spec = o.path("spec");
          return cells(
              o,
              spec.has("minAvailable") ? spec.path("minAvailable").asText() : "N/A",
              spec.has("maxUnavailable") ? spec.path("maxUnavailable").asText() : "N/A",
              num(o, 0, "status", "disruptionsAllowed"),
              ageOf(o, now));
        });
  }

  private static Printer priorityClass() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Value", "integer", "value represents the integer value of this priority class."),
            col(
                "Global-Default",
                "boolean",
                "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
            age(),
            col(
                "PreemptionPolicy",
                "string",
                "preemptionPolicy is the Policy for preempting pods with lower priority.")),
        (o, now) ->
            cells(
                o,
                num(o, 0, "value"),
                o.path("globalDefault").asBoolean(false),
                ageOf(o, now),
                o.path("preemptionPolicy").asText("PreemptLowerPriority")));
  }
}
