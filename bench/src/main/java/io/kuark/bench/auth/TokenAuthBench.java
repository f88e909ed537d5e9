package io.kuark.bench.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authn.BoundToken;
import io.kuark.server.auth.authn.ObjectLookup;
import io.kuark.server.auth.authn.ServiceAccountAuthenticator;
import io.kuark.server.auth.authn.ServiceAccountTokens;
import io.kuark.server.auth.authn.TokenResultCache;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU and allocation per bearer-token authentication, uncached against cached, on the server's own
 * code: ES256 verification, and the ServiceAccount / Pod reads from a real SQLite store, as every
 * API request with a service account token pays them. Tokens are the mix a busy cluster presents:
 * one per controller ServiceAccount (unbound, as {@code ControllerClients} requests them) and one
 * per pod (pod-bound, two reads). Also the TokenRequest signing cost. One thread, so thread CPU
 * time is the cost per operation.
 *
 * <p>{@code java ... io.kuark.bench.auth.TokenAuthBench [--ops N] [--cached-ops N] [--controllers
 * N] [--pods N]}: {@code --ops} uncached authentications (each costs milliseconds), {@code
 * --cached-ops} cached ones (default 25 times as many, enough for the JIT to settle).
 */
public final class TokenAuthBench {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int ops = 4_000;
    int cachedOps = -1;
    int controllers = 30;
    int pods = 30;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--ops" -> ops = Integer.parseInt(args[i + 1]);
        case "--cached-ops" -> cachedOps = Integer.parseInt(args[i + 1]);
        case "--controllers" -> controllers = Integer.parseInt(args[i + 1]);
        case "--pods" -> pods = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("kuark-token-bench");
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("state.db"))) {
      run(new ObjectStore(storage), ops, cachedOps < 0 ? 25 * ops : cachedOps, controllers, pods);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(ObjectStore store, int ops, int cachedOps, int controllers, int pods)
      throws Exception {
    ResourceCatalog catalog = ResourceCatalog.builtIns();
    ResourceType sas = catalog.find("", "v1", "serviceaccounts").orElseThrow();
    ResourceType podType = catalog.find("", "v1", "pods").orElseThrow();
    ServiceAccountTokens tokens = new ServiceAccountTokens(generateKey(), Clock.systemUTC());
    ObjectLookup lookup =
        (plural, namespace, name) ->
            store
                .get(catalog.find("", "v1", plural).orElseThrow(), namespace, name)
                .map(o -> new ObjectLookup.Found(Meta.uid(o.object()), null));
    List<String> bearer = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < controllers; i++) {
      String name = "controller-" + i;
      String uid = create(store, sas, "kube-system", name, "ServiceAccount");
      bearer.add(tokens.issue(claims("kube-system", name, uid, null, now)));
    }
    String defaultUid = create(store, sas, "apps", "default", "ServiceAccount");
    for (int i = 0; i < pods; i++) {
      String podUid = create(store, podType, "apps", "pod-" + i, "Pod");
      bearer.add(
          tokens.issue(
              claims(
                  "apps",
                  "default",
                  defaultUid,
                  new BoundToken.BoundObject("pod-" + i, podUid),
                  now)));
    }
    ServiceAccountAuthenticator uncached =
        new ServiceAccountAuthenticator(
            tokens, lookup, (ns, n, t) -> false, TokenResultCache.disabled());
    TokenResultCache<BoundToken> cache = TokenResultCache.withDefaults();
    cache.enable(true);
    ServiceAccountAuthenticator cached =
        new ServiceAccountAuthenticator(tokens, lookup, (ns, n, t) -> false, cache);

    System.out.printf(
        "tokens: %d controller (unbound), %d pod-bound; %d uncached, %d cached ops%n",
        controllers, pods, ops, cachedOps);
    measure("warm-up uncached", ops / 4, bearer, uncached);
    measure("warm-up cached", cachedOps / 4, bearer, cached);
    Result u = measure("uncached", ops, bearer, uncached);
    Result c = measure("cached", cachedOps, bearer, cached);
    System.out.printf(
        "cache: %d hits, %d misses; uncached/cached CPU ratio %.1fx%n",
        cache.hits(), cache.misses(), u.cpuNanosPerOp / c.cpuNanosPerOp);
    signing(tokens, ops / 10);
  }

  private record Result(double cpuNanosPerOp, double bytesPerOp) {}

  private static Result measure(
      String label, int ops, List<String> bearer, ServiceAccountAuthenticator auth) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long alloc0 = mx.getThreadAllocatedBytes(tid);
    long wall0 = System.nanoTime();
    int accepted = 0;
    for (int i = 0; i < ops; i++) {
      if (auth.authenticate(bearer.get(i % bearer.size())).isPresent()) {
        accepted++;
      }
    }
    long wall = System.nanoTime() - wall0;
    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
    long alloc = mx.getThreadAllocatedBytes(tid) - alloc0;
    if (accepted != ops) {
      throw new IllegalStateException(label + ": only " + accepted + " of " + ops + " accepted");
    }
    Result r = new Result((double) cpu / ops, (double) alloc / ops);
    System.out.printf(
        "%-18s cpu %8.2f us/op  alloc %8.0f B/op  wall %8.2f us/op%n",
        label, r.cpuNanosPerOp / 1000, r.bytesPerOp, (double) wall / ops / 1000);
    return r;
  }

  private static void signing(ServiceAccountTokens tokens, int ops) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Instant now = Instant.now();
    for (int i = 0; i < ops / 4; i++) {
      tokens.issue(claims("apps", "default", "uid", null, now));
    }
    long cpu0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < ops; i++) {
      tokens.issue(claims("apps", "default", "uid", null, now));
    }
    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
    System.out.printf("TokenRequest sign  cpu %8.2f us/op%n", (double) cpu / ops / 1000);
  }

  private static BoundToken claims(
      String ns, String sa, String uid, BoundToken.BoundObject pod, Instant now) {
    return new BoundToken(
        ns,
        sa,
        uid,
        pod,
        null,
        List.of(ServiceAccountTokens.ISSUER),
        now,
        now.plus(Duration.ofHours(1)),
        ServiceAccountTokens.newId());
  }

  private static String create(
      ObjectStore store, ResourceType type, String ns, String name, String kind) throws Exception {
    ObjectNode o =
        (ObjectNode)
            MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\""
                    + kind
                    + "\",\"metadata\":{\"name\":\""
                    + name
                    + "\",\"namespace\":\""
                    + ns
                    + "\",\"uid\":\""
                    + java.util.UUID.randomUUID()
                    + "\"}}");
    return Meta.uid(store.create(type, o).object());
  }

  private static KeyPair generateKey() throws Exception {
    // Same curve as ServiceAccountKey (whose generator is package-private).
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
