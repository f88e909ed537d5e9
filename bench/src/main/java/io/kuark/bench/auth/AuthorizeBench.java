package io.kuark.bench.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.auth.authz.Attributes;
import io.kuark.server.auth.authz.Authorizer;
import io.kuark.server.auth.authz.RbacAuthorizer;
import io.kuark.server.auth.authz.RbacCache;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU per RBAC authorization of a typical in-process request (the scheduler binding a pod, a
 * controller's ServiceAccount writing an event), over the RBAC objects of a real server: {@code
 * kubectl get clusterroles,clusterrolebindings -o json > rbac.json} from a fresh kuark server.
 * Loads them into a temporary SQLite store, starts the server's {@link RbacCache} over it and times
 * {@link RbacAuthorizer#authorize} (thread CPU time, after a warm-up).
 *
 * <p>Usage: {@code AuthorizeBench rbac.json [--ops 200000]}.
 */
public final class AuthorizeBench {

  public static void main(String[] args) throws Exception {
    int ops = args.length > 2 && args[1].equals("--ops") ? Integer.parseInt(args[2]) : 200_000;
    JsonNode list = new ObjectMapper().readTree(Files.readAllBytes(Path.of(args[0])));
    ResourceCatalog catalog = ResourceCatalog.builtIns();
    Path dir = Files.createTempDirectory("kuark-authz-bench");
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 1024)) {
      ObjectStore store = new ObjectStore(storage);
      int bindings = 0;
      for (JsonNode item : list.path("items")) {
        ObjectNode o = (ObjectNode) item.deepCopy();
        ObjectNode meta = (ObjectNode) o.get("metadata");
        meta.remove("resourceVersion");
        String plural =
            o.path("kind").asText().equals("ClusterRole") ? "clusterroles" : "clusterrolebindings";
        bindings += plural.equals("clusterrolebindings") ? 1 : 0;
        store.create(catalog.find("rbac.authorization.k8s.io", "v1", plural).orElseThrow(), o);
      }
      try (RbacCache cache = new RbacCache(store, caches, catalog).start()) {
        RbacAuthorizer rbac = new RbacAuthorizer(cache);
        UserInfo scheduler = new UserInfo("system:kube-scheduler", List.of("system:authenticated"));
        UserInfo controller =
            new UserInfo(
                "system:serviceaccount:kube-system:namespace-controller",
                List.of(
                    "system:serviceaccounts",
                    "system:serviceaccounts:kube-system",
                    "system:authenticated"));
        List<Attributes> requests =
            List.of(
                new Attributes(
                    scheduler, "create", true, "ns1", "", "v1", "pods", "binding", "p0", ""),
                new Attributes(scheduler, "create", true, "ns1", "", "v1", "events", "", "", ""),
                new Attributes(controller, "list", true, "ns1", "", "v1", "pods", "", "", ""),
                new Attributes(
                    controller, "delete", true, "ns1", "", "v1", "configmaps", "", "", ""));
        for (Attributes a : requests) {
          if (rbac.authorize(a) != Authorizer.Decision.ALLOW) {
            System.out.println("not allowed (fine for timing, but check the input): " + a);
          }
        }
        var threads = ManagementFactory.getThreadMXBean();
        // A fresh server authorizes its first requests in interpreted or C1 code: time those too.
        long cold0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 2000; i++) {
          rbac.authorize(requests.get(i & 3));
        }
        System.out.printf(
            Locale.ROOT,
            "first 2000 (cold): %.2f us CPU per authorize%n",
            (threads.getCurrentThreadCpuTime() - cold0) / 1e3 / 2000);
        for (int round = 0; round < 5; round++) {
          long cpu0 = threads.getCurrentThreadCpuTime();
          int allowed = 0;
          for (int i = 0; i < ops; i++) {
            allowed += rbac.authorize(requests.get(i & 3)) == Authorizer.Decision.ALLOW ? 1 : 0;
          }
          double us = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / ops;
          System.out.printf(
              Locale.ROOT,
              "round %d: %.2f us CPU per authorize (%d ClusterRoleBindings, %d/%d allowed)%n",
              round,
              us,
              bindings,
              allowed,
              ops);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
