package io.kuark.server.auth.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache against real storage and watch caches: bindings and role rules are decoded when they
 * change, not per request (the authorizer reads them for every request of a non-admin user).
 */
class RbacCacheTest {

  static final ObjectMapper M = new ObjectMapper();
  final ResourceCatalog catalog = ResourceCatalog.builtIns();

  ResourceType type(String plural) {
    return catalog.find(RbacCache.GROUP, "v1", plural).orElseThrow();
  }

  static ObjectNode json(String s) throws Exception {
    return (ObjectNode) M.readTree(s.replace('\'', '"'));
  }

  /** An RBAC object of {@code kind} named {@code name} in {@code ns} ("" for cluster scope). */
  static ObjectNode rbacObject(String kind, String ns, String name, String rest) throws Exception {
    String meta = ns.isEmpty() ? "" : ",'namespace':'" + ns + "'";
    return json(
        "{'apiVersion':'rbac.authorization.k8s.io/v1','kind':'"
            + kind
            + "','metadata':{'name':'"
            + name
            + "'"
            + meta
            + "},"
            + rest
            + "}");
  }

  static ObjectNode role(String kind, String ns, String name, String verb) throws Exception {
    return rbacObject(
        kind,
        ns,
        name,
        "'rules':[{'verbs':['" + verb + "'],'apiGroups':[''],'resources':['pods']}]");
  }

  static ObjectNode binding(String kind, String ns, String name, String user, String roleKind)
      throws Exception {
    return rbacObject(
        kind,
        ns,
        name,
        "'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'"
            + roleKind
            + "','name':'reader'},'subjects':[{'kind':'User','name':'"
            + user
            + "'}]");
  }

  @Test
  void decodesOncePerChangeNotPerRead(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      StoredObject reader =
          store.create(type("clusterroles"), role("ClusterRole", "", "reader", "get"));
      store.create(
          type("clusterrolebindings"),
          binding("ClusterRoleBinding", "", "alice-reads", "alice", "ClusterRole"));
      try (RbacCache cache = new RbacCache(store, caches, catalog).start()) {
        List<Binding> bindings = cache.clusterRoleBindings();
        assertThat(bindings).extracting(Binding::name).containsExactly("alice-reads");
        // Reads between changes hand out the same decoded objects: nothing is decoded per request.
        assertThat(cache.clusterRoleBindings()).isSameAs(bindings);
        List<PolicyRule> rules = cache.clusterRoleRules("reader");
        assertThat(rules).extracting(PolicyRule::verbs).containsExactly(List.of("get"));
        assertThat(cache.clusterRoleRules("reader")).isSameAs(rules);

        // A write of an unrelated object leaves the decoded bindings alone.
        store.create(type("roles"), role("Role", "ns1", "reader", "list"));
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> !cache.roleRules("ns1", "reader").isEmpty());
        assertThat(cache.clusterRoleBindings()).isSameAs(bindings);

        // Changes are picked up through the watch.
        store.create(
            type("clusterrolebindings"),
            binding("ClusterRoleBinding", "", "bob-reads", "bob", "ClusterRole"));
        ObjectNode watching = reader.object().deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) watching.get("rules").get(0).get("verbs"))
            .add("watch");
        store.update(type("clusterroles"), watching, reader.modRevision());
        await().atMost(Duration.ofMinutes(2)).until(() -> cache.clusterRoleBindings().size() == 2);
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> cache.clusterRoleRules("reader").get(0).verbs().contains("watch"));
        assertThat(cache.clusterRoleRules("missing")).isEmpty();
      }
    }
  }

  @Test
  void roleBindingsAreGroupedByNamespace(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      ResourceType roleBindings = type("rolebindings");
      store.create(roleBindings, binding("RoleBinding", "a", "one", "alice", "Role"));
      store.create(roleBindings, binding("RoleBinding", "ab", "two", "bob", "Role"));
      try (RbacCache cache = new RbacCache(store, caches, catalog).start()) {
        assertThat(cache.roleBindings("a")).extracting(Binding::name).containsExactly("one");
        assertThat(cache.roleBindings("ab")).extracting(Binding::name).containsExactly("two");
        assertThat(cache.roleBindings("b")).isEmpty();
        List<Binding> inA = cache.roleBindings("a");
        assertThat(cache.roleBindings("a")).isSameAs(inA);

        StoredObject three =
            store.create(roleBindings, binding("RoleBinding", "a", "three", "carol", "Role"));
        await().atMost(Duration.ofMinutes(2)).until(() -> cache.roleBindings("a").size() == 2);
        assertThat(cache.roleBindings("ab")).extracting(Binding::name).containsExactly("two");
        store.delete(roleBindings, three.object(), three.modRevision());
        await().atMost(Duration.ofMinutes(2)).until(() -> cache.roleBindings("a").size() == 1);

        // The authorizer over the cache: alice may get pods in a through Role a/reader.
        store.create(type("roles"), role("Role", "a", "reader", "get"));
        RbacAuthorizer authz = new RbacAuthorizer(cache);
        io.kuark.server.api.http.UserInfo alice =
            new io.kuark.server.api.http.UserInfo("alice", List.of("system:authenticated"));
        Attributes get = new Attributes(alice, "get", true, "a", "", "v1", "pods", "", "", "");
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> authz.authorize(get) == Authorizer.Decision.ALLOW);
        Attributes elsewhere =
            new Attributes(alice, "get", true, "ab", "", "v1", "pods", "", "", "");
        assertThat(authz.authorize(elsewhere)).isEqualTo(Authorizer.Decision.NO_OPINION);
      }
    }
  }
}
