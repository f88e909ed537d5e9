package io.kuark.server.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.CreateHandler;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.PolicyRule;
import io.kuark.server.storage.StorageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates and reconciles the default ClusterRoles and ClusterRoleBindings at server start, as
 * upstream's {@code rbac/bootstrap-roles} post-start hook: missing objects are created; existing
 * ones with annotation {@code rbac.authorization.kubernetes.io/autoupdate} not {@code "false"} get
 * missing rules, labels, aggregation rules and subjects added back (never removed).
 */
public final class BootstrapPolicy {

  private static final Logger LOG = Logger.getLogger(BootstrapPolicy.class);
  static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  private static final int ATTEMPTS = 5;

  private final ObjectStore store;
  private final CreateHandler creator;
  private final ResourceType clusterRoles;
  private final ResourceType clusterRoleBindings;

  public BootstrapPolicy(
      ObjectStore store,
      CreateHandler creator,
      ResourceType clusterRoles,
      ResourceType clusterRoleBindings) {
    this.store = store;
    this.creator = creator;
    this.clusterRoles = clusterRoles;
    this.clusterRoleBindings = clusterRoleBindings;
  }

  /**
   * Default bindings: ClusterRole name to subjects ({@code Kind:name}, or {@code
   * ServiceAccount:namespace/name}).
   */
  static Map<String, List<String>> bindings() {
    Map<String, List<String>> all = new java.util.LinkedHashMap<>(upstreamBindings());
    all.putAll(ControllerPolicy.bindings());
    return all;
  }

  private static Map<String, List<String>> upstreamBindings() {
    Map<String, List<String>> b = new java.util.LinkedHashMap<>();
    b.put("cluster-admin", List.of("Group:system:masters"));
    b.put("system:discovery", List.of("Group:system:authenticated"));
    b.put("system:basic-user", List.of("Group:system:authenticated"));
    b.put(
        "system:public-info-viewer",
        List.of("Group:system:authenticated", "Group:system:unauthenticated"));
    b.put("system:node", List.of());
    b.put("system:kubelet-api-admin", List.of("User:kube-apiserver-kubelet-client"));
    // Node join (kubeadm's kubelet-bootstrap and auto-approval bindings): bootstrap tokens may
    // create CSRs that the approver accepts for new nodes; nodes may renew their own.
    b.put("system:node-bootstrapper", List.of("Group:system:bootstrappers"));
    b.put(
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        List.of("Group:system:bootstrappers"));
    b.put(
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        List.of("Group:system:nodes"));
    b.put("system:kube-scheduler", List.of("User:system:kube-scheduler"));
    b.put("system:kube-controller-manager", List.of("User:system:kube-controller-manager"));
    return b;
  }

  public void run() {
    for (DefaultRoles.Role role : DefaultRoles.all()) {
      reconcile(clusterRoles, role(role));
    }
    for (Map.Entry<String, List<String>> b : bindings().entrySet()) {
      reconcile(clusterRoleBindings, binding(b.getKey(), b.getValue()));
    }
  }

  private void reconcile(ResourceType type, ObjectNode wanted) {
    String name = wanted.path("metadata").path("name").asText();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<StoredObject> existing = store.get(type, "", name);
      try {
        if (existing.isEmpty()) {
          creator.create(type, wanted.deepCopy(), false);
          return;
        }
        ObjectNode current = existing.get().object();
        if ("false"
            .equals(current.path("metadata").path("annotations").path(AUTOUPDATE).asText())) {
          return;
        }
        ObjectNode merged = current.deepCopy();
        boolean retired = removeRetired(merged, retired(type, name));
        if (!merge(merged, wanted) && !retired) {
          return;
        }
        LOG.infof("reconciling %s %s", type.kind(), name);
        store.update(type, merged, existing.get().modRevision());
        return;
      } catch (StorageException.Conflict e) {
        LOG.debugf("conflict reconciling %s; retrying", name);
      } catch (ApiException e) {
        if (!e.reason().equals("AlreadyExists")) {
          throw e;
        }
      }
    }
    LOG.warnf("gave up reconciling %s %s after conflicts", type.kind(), name);
  }

  private List<ObjectNode> retired(ResourceType type, String name) {
    if (type != clusterRoleBindings) {
      return List.of();
    }
    List<ObjectNode> out = new java.util.ArrayList<>();
    for (String s : ControllerPolicy.retiredSubjects().getOrDefault(name, List.of())) {
      out.add(subject(s));
    }
    return out;
  }

  /** Removes the {@code retired} subjects from a binding; returns whether any was there. */
  static boolean removeRetired(ObjectNode binding, List<ObjectNode> retired) {
    if (retired.isEmpty() || !binding.path("subjects").isArray()) {
      return false;
    }
    boolean changed = false;
    ArrayNode subjects = (ArrayNode) binding.get("subjects");
    for (int i = subjects.size() - 1; i >= 0; i--) {
      JsonNode s = subjects.get(i);
      for (ObjectNode r : retired) {
        if (r.path("kind").equals(s.path("kind")) && r.path("name").equals(s.path("name"))) {
          subjects.remove(i);
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  /** Adds what {@code wanted} has and {@code target} lacks; returns whether anything changed. */
  static boolean merge(ObjectNode target, ObjectNode wanted) {
    boolean changed = false;
    ObjectNode labels = meta(target).with("labels");
    var wantedLabels = wanted.path("metadata").path("labels").fields();
    while (wantedLabels.hasNext()) {
      var e = wantedLabels.next();
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        labels.set(e.getKey(), e.getValue());
        changed = true;
      }
    }
    ObjectNode annotations = meta(target).with("annotations");
    if (!annotations.has(AUTOUPDATE)) {
      annotations.put(AUTOUPDATE, "true");
      changed = true;
    }
    if (wanted.has("aggregationRule")
        && !wanted.get("aggregationRule").equals(target.get("aggregationRule"))) {
      target.set("aggregationRule", wanted.get("aggregationRule"));
      changed = true;
    }
    changed |= addMissing(target, wanted, "rules");
    changed |= addMissing(target, wanted, "subjects");
    if (wanted.has("roleRef") && !target.has("roleRef")) {
      target.set("roleRef", wanted.get("roleRef"));
      changed = true;
    }
    return changed;
  }

  private static boolean addMissing(ObjectNode target, ObjectNode wanted, String field) {
    if (!wanted.has(field) || wanted.get(field).isEmpty()) {
      return false;
    }
    ArrayNode have = target.withArray(field);
    boolean changed = false;
    for (JsonNode w : wanted.get(field)) {
      boolean present = false;
      for (JsonNode h : have) {
        if (h.equals(w)) {
          present = true;
          break;
        }
      }
      if (!present) {
        have.add(w.deepCopy());
        changed = true;
      }
    }
    return changed;
  }

  private static ObjectNode meta(ObjectNode o) {
    return o.with("metadata");
  }

  private static ObjectNode base(String kind, String name) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", "rbac.authorization.k8s.io/v1");
    o.put("kind", kind);
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
    meta.putObject("annotations").put(AUTOUPDATE, "true");
    return o;
  }

  static ObjectNode role(DefaultRoles.Role role) {
    ObjectNode o = base("ClusterRole", role.name());
    ObjectNode labels = meta(o).with("labels");
    role.labels().forEach(labels::put);
    ArrayNode rules = o.putArray("rules");
    for (PolicyRule r : role.rules()) {
      rules.add(r.toJson());
    }
    if (role.aggregateFrom() != null) {
      o.putObject("aggregationRule")
          .putArray("clusterRoleSelectors")
          .addObject()
          .putObject("matchLabels")
          .put(role.aggregateFrom(), "true");
    }
    return o;
  }

  static ObjectNode binding(String roleName, List<String> subjects) {
    ObjectNode o = base("ClusterRoleBinding", roleName);
    ObjectNode ref = o.putObject("roleRef");
    ref.put("apiGroup", "rbac.authorization.k8s.io");
    ref.put("kind", "ClusterRole");
    ref.put("name", roleName);
    ArrayNode subs = o.putArray("subjects");
    for (String s : subjects) {
      subs.add(subject(s));
    }
    return o;
  }

  /** A subject from {@code Kind:name}, or {@code ServiceAccount:namespace/name} (no apiGroup). */
  static ObjectNode subject(String s) {
    int colon = s.indexOf(':');
    String kind = s.substring(0, colon);
    String name = s.substring(colon + 1);
    ObjectNode subject = JsonNodeFactory.instance.objectNode();
    if (kind.equals("ServiceAccount")) {
      int slash = name.indexOf('/');
      subject.put("kind", kind);
      subject.put("name", name.substring(slash + 1));
      subject.put("namespace", name.substring(0, slash));
      return subject;
    }
    subject.put("apiGroup", "rbac.authorization.k8s.io");
    subject.put("kind", kind);
    subject.put("name", name);
    return subject;
  }
}
