package io.kuark.bench.api;

import io.fabric8.kubernetes.client.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * API load harness: drives any Kubernetes API server named by a kubeconfig (client certificate
 * credentials) with ConfigMap create/get/update/list/watch at several concurrency levels and prints
 * a Markdown table of ops/s, p50 and p99.
 *
 * <p>Usage: {@code ApiLoadBench KUBECONFIG [--ops N] [--concurrency 1,16,64] [--watchers 1000]
 * [--server-pid PID] [--hold-seconds S] [--hold-round-seconds S] [--settle]}. {@code
 * --hold-seconds} keeps the watches open that long before the writes (announced on stderr), so that
 * the server can be inspected with them held; {@code --hold-round-seconds} likewise waits after
 * each measured create/get/update round, before its namespace is deleted, so that the server can be
 * inspected with the round's objects in its caches. With {@code --server-pid} each row also shows
 * the server's CPU time per operation and the young/full collections during the round. {@code
 * --settle} waits until a round's namespace (and so everything in it) is gone before the next round
 * starts; without it the namespace controller deletes the previous round's objects while the next
 * round's creates run, as in the first runs. It works in namespaces {@code bench-load-*} that it
 * creates and deletes.
 */
public final class ApiLoadBench {

  private static final String VALUE = "x".repeat(512);

  private final Vertx vertx;
  private final HttpClientOptions baseOptions;
  private final HttpClient http;
  private final String host;
  private final int port;
  private ServerProbe probe = new ServerProbe(-1);
  private boolean settle;
  private long holdRound;

  private ApiLoadBench(Vertx vertx, Config config, int poolSize) {
    this.vertx = vertx;
    URI uri = URI.create(config.getMasterUrl());
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 443 : uri.getPort();
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setMaxPoolSize(poolSize)
            .setKeepAlive(true)
            .setPipelining(false)
            // A loaded machine can take longer than the default 10 s to complete a handshake.
            .setSslHandshakeTimeout(120)
            .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
            .setTrustOptions(new PemTrustOptions().addCertValue(pem(config.getCaCertData())))
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertValue(pem(config.getClientCertData()))
                    .setKeyValue(pem(config.getClientKeyData())));
    this.baseOptions = options;
    this.http = vertx.createHttpClient(options);
  }

  private static Buffer pem(String base64) {
    return Buffer.buffer(Base64.getDecoder().decode(base64.trim()));
  }

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    int ops = 2000;
    int watchers = 1000;
    long serverPid = -1;
    long hold = 0;
    long holdRound = 0;
    boolean settle = false;
    List<Integer> levels = List.of(1, 16, 64);
    for (int i = 1; i < args.length; i += 2) {
      if (args[i].equals("--settle")) {
        settle = true;
        i--;
        continue;
      }
      switch (args[i]) {
        case "--ops" -> ops = Integer.parseInt(args[i + 1]);
        case "--watchers" -> watchers = Integer.parseInt(args[i + 1]);
        case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
        case "--hold-seconds" -> hold = Long.parseLong(args[i + 1]);
        case "--hold-round-seconds" -> holdRound = Long.parseLong(args[i + 1]);
        case "--concurrency" ->
            levels = List.of(args[i + 1].split(",")).stream().map(Integer::valueOf).toList();
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Config config =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    Vertx vertx = Vertx.vertx();
    int maxLevel = levels.stream().mapToInt(Integer::intValue).max().orElse(1);
    ApiLoadBench bench = new ApiLoadBench(vertx, config, Math.max(maxLevel, 8));
    bench.probe = new ServerProbe(serverPid);
    bench.settle = settle;
    bench.holdRound = holdRound;
    try {
      bench.run(ops, levels, watchers, serverPid, hold);
    } finally {
      bench.http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private void run(int ops, List<Integer> levels, int watchers, long serverPid, long hold)
      throws Exception {
    System.out.println(
        "| operation | concurrency | ops/s | p50 ms | p99 ms | server CPU ms/op | GCs young/full |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    // Warm-up: connections, JIT on both sides.
    mutatingRound("bench-load-warmup", 300, 8, false);
    for (int level : levels) {
      mutatingRound("bench-load-c" + level, level == 1 ? Math.min(ops, 500) : ops, level, true);
    }
    listRound("bench-load-list", 1000, 30);
    watchRound("bench-load-watch", watchers, 20, serverPid, hold);
  }

  /** create, get, update of {@code ops} ConfigMaps with {@code level} requests in flight. */
  private void mutatingRound(String ns, int ops, int level, boolean print) throws Exception {
    createNamespace(ns);
    String base = "/api/v1/namespaces/" + ns + "/configmaps";
    String[] versions = new String[ops];
    Result create =
        drive(
            ops,
            level,
            i ->
                send(HttpMethod.POST, base, configMap(ns, "cm-" + i, null, "0"), 201)
                    .map(
                        body -> {
                          versions[i] = rv(body);
                          return null;
                        }));
    Result get = drive(ops, level, i -> send(HttpMethod.GET, base + "/cm-" + i, null, 200));
    Result update =
        drive(
            ops,
            level,
            i ->
                send(
                        HttpMethod.PUT,
                        base + "/cm-" + i,
                        configMap(ns, "cm-" + i, versions[i], "1"),
                        200)
                    .map(
                        body -> {
                          versions[i] = rv(body);
                          return null;
                        }));
    if (print) {
      create.print("create ConfigMap", level);
      get.print("get ConfigMap", level);
      update.print("update ConfigMap (PUT with resourceVersion)", level);
      if (holdRound > 0) {
        System.err.printf("holding round %s for %d s%n", ns, holdRound);
        Thread.sleep(holdRound * 1000);
        System.err.println("hold over");
      }
    }
    deleteNamespace(ns);
  }

  /** Lists {@code objects} ConfigMaps {@code times} times, one request at a time. */
  private void listRound(String ns, int objects, int times) throws Exception {
    createNamespace(ns);
    String base = "/api/v1/namespaces/" + ns + "/configmaps";
    drive(objects, 16, i -> send(HttpMethod.POST, base, configMap(ns, "cm-" + i, null, "0"), 201));
    drive(3, 1, i -> send(HttpMethod.GET, base, null, 200));
    AtomicInteger items = new AtomicInteger();
    Result list =
        drive(
            times,
            1,
            i ->
                send(HttpMethod.GET, base, null, 200)
                    .map(
                        body -> {
                          items.set(new JsonObject(body).getJsonArray("items").size());
                          return null;
                        }));
    list.print("list " + items.get() + " ConfigMaps", 1);
    deleteNamespace(ns);
  }

  /**
   * Holds {@code watchers} watches on one namespace, creates {@code writes} ConfigMaps one at a
   * time and measures write-to-receipt latency at every watcher; reports the server's RSS if its
   * pid is given.
   */
  private void watchRound(String ns, int watchers, int writes, long serverPid, long hold)
      throws Exception {
    createNamespace(ns);
    String base = "/api/v1/namespaces/" + ns + "/configmaps";
    long rssBefore = rssKiB(serverPid);
    // Each watch holds a connection of its own.
    HttpClient watchClient =
        vertx.createHttpClient(new HttpClientOptions(baseOptions).setMaxPoolSize(watchers));
    long[] writeStart = new long[writes];
    Latencies receipt = new Latencies();
    CountDownLatch received = new CountDownLatch(watchers * writes);
    AtomicInteger failed = new AtomicInteger();
    // Open the watches 32 at a time: a thousand TLS handshakes at once would measure the
    // handshake backlog, not the watch cache.
    for (int first = 0; first < watchers; first += 32) {
      int batch = Math.min(32, watchers - first);
      CountDownLatch opened = new CountDownLatch(batch);
      for (int w = 0; w < batch; w++) {
        openWatch(watchClient, base, writeStart, receipt, received, opened, failed);
      }
      if (!opened.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("watches did not open");
      }
    }
    if (failed.get() > 0) {
      System.err.println(failed.get() + " of " + watchers + " watches failed to open");
    }
    long rssHeld = rssKiB(serverPid);
    if (hold > 0) {
      System.err.printf("holding %d watches for %d s%n", watchers - failed.get(), hold);
      Thread.sleep(hold * 1000);
      System.err.println("hold over");
    }
    long start = System.nanoTime();
    for (int i = 0; i < writes; i++) {
      writeStart[i] = System.nanoTime();
      await(send(HttpMethod.POST, base, configMap(ns, "w-" + i, null, "0"), 201));
      Thread.sleep(50);
    }
    boolean all = received.await(120, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    new Result(receipt, elapsed, "– | –")
        .print(
            "watch event delivery, write → receipt, "
                + (watchers - failed.get())
                + " watchers"
                + (all
                    ? ""
                    : " (INCOMPLETE: " + receipt.count() + " of " + watchers * writes + ")"),
            watchers);
    if (serverPid > 0) {
      System.out.printf(
          Locale.ROOT,
          "%nserver RSS: %d MiB before the watches, %d MiB with %d watches held%n",
          rssBefore / 1024,
          rssHeld / 1024,
          watchers - failed.get());
    }
    await(watchClient.close());
    deleteNamespace(ns);
  }

  /** Opens one watch whose ADDED events for {@code w-<i>} record write-to-receipt latency. */
  private void openWatch(
      HttpClient watchClient,
      String base,
      long[] writeStart,
      Latencies receipt,
      CountDownLatch received,
      CountDownLatch opened,
      AtomicInteger failed) {
    StringBuilder pending = new StringBuilder();
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(host)
            .setPort(port)
            .setURI(base + "?watch=true&timeoutSeconds=600")
            .setTimeout(0);
    watchClient
        .request(request)
        .compose(r -> r.send())
        .onSuccess(
            response -> {
              opened.countDown();
              response.handler(
                  chunk -> {
                    pending.append(chunk.toString(StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = pending.indexOf("\n")) >= 0) {
                      String line = pending.substring(0, nl);
                      pending.delete(0, nl + 1);
                      if (line.isBlank()) {
                        continue;
                      }
                      JsonObject event = new JsonObject(line);
                      String name =
                          event.getJsonObject("object").getJsonObject("metadata").getString("name");
                      if ("ADDED".equals(event.getString("type")) && name.startsWith("w-")) {
                        int i = Integer.parseInt(name.substring(2));
                        receipt.add(System.nanoTime() - writeStart[i]);
                        received.countDown();
                      }
                    }
                  });
            })
        .onFailure(
            e -> {
              if (failed.getAndIncrement() == 0) {
                System.err.println("watch failed: " + e);
              }
              opened.countDown();
            });
  }

  private static long rssKiB(long pid) throws Exception {
    if (pid <= 0) {
      return -1;
    }
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private void createNamespace(String ns) throws Exception {
    deleteNamespace(ns);
    JsonObject body =
        new JsonObject()
            .put("apiVersion", "v1")
            .put("kind", "Namespace")
            .put("metadata", new JsonObject().put("name", ns));
    // A namespace from an earlier interrupted run may still be terminating.
    for (int attempt = 0; attempt < 120; attempt++) {
      try {
        await(send(HttpMethod.POST, "/api/v1/namespaces", body.encode(), 201));
        return;
      } catch (IllegalStateException e) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("cannot create namespace " + ns);
  }

  private void deleteNamespace(String ns) throws Exception {
    try {
      await(send(HttpMethod.DELETE, "/api/v1/namespaces/" + ns, null, 200));
    } catch (IllegalStateException e) {
      // Not there.
      return;
    }
    if (!settle) {
      return;
    }
    for (int attempt = 0; attempt < 1200; attempt++) {
      try {
        await(send(HttpMethod.GET, "/api/v1/namespaces/" + ns, null, 404));
        return;
      } catch (IllegalStateException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("namespace " + ns + " was not deleted in 120 s");
  }

  private static String configMap(String ns, String name, String resourceVersion, String gen) {
    JsonObject metadata = new JsonObject().put("name", name).put("namespace", ns);
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    return new JsonObject()
        .put("apiVersion", "v1")
        .put("kind", "ConfigMap")
        .put("metadata", metadata)
        .put("data", new JsonObject().put("value", VALUE).put("generation", gen))
        .encode();
  }

  private static String rv(String body) {
    return new JsonObject(body).getJsonObject("metadata").getString("resourceVersion");
  }

  /** One request; fails unless the response has {@code expected} status. */
  private Future<String> send(HttpMethod method, String uri, String body, int expected) {
    RequestOptions options =
        new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    options.putHeader("Accept", "application/json");
    return http.request(options)
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(
            (HttpClientResponse response) ->
                response
                    .body()
                    .compose(
                        buffer ->
                            response.statusCode() == expected
                                ? Future.succeededFuture(buffer.toString(StandardCharsets.UTF_8))
                                : Future.failedFuture(
                                    new IllegalStateException(
                                        method
                                            + " "
                                            + uri
                                            + " → "
                                            + response.statusCode()
                                            + " "
                                            + buffer))));
  }

  /**
   * Runs operations 0..ops-1 with {@code level} of them in flight at all times, timing each from
   * request to complete response.
   */
  private Result drive(int ops, int level, IntFunction<Future<?>> operation) throws Exception {
    Latencies latencies = new Latencies();
    AtomicInteger next = new AtomicInteger();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger running = new AtomicInteger(Math.min(level, ops));
    ServerProbe.Sample before = probe.sample();
    long start = System.nanoTime();
    for (int w = 0; w < Math.min(level, ops); w++) {
      vertx.runOnContext(v -> step(ops, next, operation, latencies, running, done));
    }
    done.get(30, TimeUnit.MINUTES);
    long elapsed = System.nanoTime() - start;
    return new Result(latencies, elapsed, before.cellsUntil(probe.sample(), ops, probe.enabled()));
  }

  private void step(
      int ops,
      AtomicInteger next,
      IntFunction<Future<?>> operation,
      Latencies latencies,
      AtomicInteger running,
      CompletableFuture<Void> done) {
    int i = next.getAndIncrement();
    if (i >= ops) {
      if (running.decrementAndGet() == 0) {
        done.complete(null);
      }
      return;
    }
    long t0 = System.nanoTime();
    operation
        .apply(i)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                done.completeExceptionally(ar.cause());
                return;
              }
              latencies.add(System.nanoTime() - t0);
              step(ops, next, operation, latencies, running, done);
            });
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      // Generous: at a load average of 40+ a freshly started server can take a minute per request.
      return future.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IllegalStateException ise) {
        throw ise;
      }
      throw e;
    }
  }

  /** Latencies and wall time of one measured round. */
  private record Result(Latencies latencies, long elapsedNanos, String serverCells) {
    void print(String operation, int level) {
      double seconds = elapsedNanos / 1e9;
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.0f | %.2f | %.2f | %s |%n",
          operation,
          level,
          latencies.count() / seconds,
          latencies.quantileMillis(0.50),
          latencies.quantileMillis(0.99),
          serverCells);
    }
  }

  /** Recorded latencies in nanoseconds. */
  private static final class Latencies {
    private final List<Long> samples = new ArrayList<>();

    synchronized void add(long nanos) {
      samples.add(nanos);
    }

    synchronized int count() {
      return samples.size();
    }

    synchronized double quantileMillis(double q) {
      if (samples.isEmpty()) {
        return Double.NaN;
      }
      List<Long> sorted = new ArrayList<>(samples);
      sorted.sort(Long::compare);
      int rank = (int) Math.ceil(q * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank))) / 1e6;
    }
  }
}
