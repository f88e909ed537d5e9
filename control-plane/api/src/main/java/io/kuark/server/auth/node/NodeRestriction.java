package io.kuark.server.auth.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's NodeRestriction admission plugin for writes by node credentials (403 Forbidden
 * otherwise): a node creates only mirror pods ({@code kubernetes.io/config.mirror}) bound to itself
 * that use no service account, Secrets, ConfigMaps or claims and are owned by nothing but its own
 * Node; it creates only its own Node, node Lease and CSINode; on its Node it may set, change or
 * remove only the labels {@link NodeLabels} allows (at registration and on every update), and not
 * change its taints after registration. Other users' writes pass untouched.
 */
public final class NodeRestriction {

  static final String MIRROR = "kubernetes.io/config.mirror";

  /**
   * Checks a create ({@code old} null) or update of {@code object} by {@code user}.
   *
   * @throws io.kuark.server.api.http.ApiException 403 when the node may not make this write
   */
  public void admit(UserInfo user, ResourceType type, ObjectNode object, ObjectNode old) {
    String node = NodeIdentity.nodeName(user);
    if (node.isEmpty()) {
      return;
    }
    String group = type.group();
    String plural = type.plural();
    if (group.isEmpty() && plural.equals("pods") && old == null) {
      mirrorPod(type, node, object);
    } else if (group.isEmpty() && plural.equals("nodes")) {
      ownNode(type, node, object, old);
    } else if (old == null
        && (group.equals("coordination.k8s.io") && plural.equals("leases")
            || group.equals("storage.k8s.io") && plural.equals("csinodes"))) {
      if (!Meta.name(object).equals(node)) {
        throw forbidden(
            type, object, "node \"" + node + "\" can only create its own " + type.kind());
      }
    }
  }

  private void mirrorPod(ResourceType type, String node, ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    if (!meta.path("annotations").has(MIRROR)) {
      throw forbidden(
          type,
          pod,
          "pod does not have \""
              + MIRROR
              + "\" annotation, node \""
              + node
              + "\" can only create mirror pods");
    }
    String bound = pod.path("spec").path("nodeName").asText("");
    if (!bound.equals(node)) {
      throw forbidden(
          type, pod, "node \"" + node + "\" can only create pods with spec.nodeName set to itself");
    }
    for (JsonNode owner : meta.path("ownerReferences")) {
      if (!owner.path("kind").asText().equals("Node")
          || !owner.path("name").asText().equals(node)
          || !owner.path("apiVersion").asText().equals("v1")) {
        throw forbidden(
            type,
            pod,
            "node \"" + node + "\" can only create pods with an owner reference to itself");
      }
    }
    String sa = pod.path("spec").path("serviceAccountName").asText("");
    if (!sa.isEmpty()) {
      throw forbidden(
          type, pod, "node \"" + node + "\" can not create pods that reference a service account");
    }
    if (!PodReferences.secrets(pod).isEmpty()) {
      throw forbidden(
          type, pod, "node \"" + node + "\" can not create pods that reference secrets");
    }
    if (!PodReferences.configMaps(pod).isEmpty()) {
      throw forbidden(
          type, pod, "node \"" + node + "\" can not create pods that reference configmaps");
    }
    if (!PodReferences.claims(pod).isEmpty()) {
      throw forbidden(
          type,
          pod,
          "node \"" + node + "\" can not create pods that reference persistentvolumeclaims");
    }
  }

  private void ownNode(ResourceType type, String node, ObjectNode object, ObjectNode old) {
    if (!Meta.name(object).equals(node)) {
      throw forbidden(
          type,
          object,
          "node \"" + node + "\" is not allowed to modify node \"" + Meta.name(object) + "\"");
    }
    Map<String, String> before = old == null ? Map.of() : Meta.labels(old);
    Set<String> forbidden = NodeLabels.forbidden(NodeLabels.modified(Meta.labels(object), before));
    if (!forbidden.isEmpty()) {
      // Upstream's two messages: registration names the node, an update does not.
      throw forbidden(
          type,
          object,
          old == null
              ? "node \""
                  + node
                  + "\" is not allowed to set the following labels: "
                  + String.join(", ", forbidden)
              : "is not allowed to modify labels: " + String.join(", ", forbidden));
    }
    if (old != null
        && !object.path("spec").path("taints").equals(old.path("spec").path("taints"))) {
      throw forbidden(type, object, "node \"" + node + "\" is not allowed to modify taints");
    }
  }

  private static io.kuark.server.api.http.ApiException forbidden(
      ResourceType type, ObjectNode object, String why) {
    return Statuses.forbidden(type, Meta.name(object), why);
  }
}
