package io.kuark.bench.storage;

import io.kuark.server.storage.etcd.EtcdStorage;
import io.kuark.server.storage.sqlite.SqliteOptions;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Storage benchmark: create, get, CAS update (one client thread, so the figures are latencies),
 * create with concurrent clients, list of 1,000 keys, and watch fan-out to many watchers, on the
 * embedded SQLite backend, the etcd backend, and raw jetcd against the same etcd as the floor.
 * Prints a Markdown table. Starts its own etcd in a temp dir and removes everything at the end.
 *
 * <p>Flags: {@code --ops N} (2000), {@code --warmup N} (300), {@code --concurrency N} (16), {@code
 * --list-keys N} (1000), {@code --list-reads N} (100), {@code --watchers N} (100), {@code
 * --watch-events N} (200), {@code --etcd PATH} (/usr/bin/etcd), {@code --backends
 * embedded,etcd,raw-etcd}.
 */
public final class StorageBench {

  private final Map<String, String> flags;
  private final int ops;
  private final int warmup;
  private final byte[] value = new byte[512];

  /** "backend | operation" to the figures of each round, in first-seen order. */
  private final Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();

  private StorageBench(Map<String, String> flags) {
    this.flags = flags;
    this.ops = intFlag("ops", 1000);
    this.warmup = intFlag("warmup", 200);
    java.util.Arrays.fill(value, (byte) 'x');
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new StorageBench(flags).run();
  }

  private int intFlag(String name, int dflt) {
    return Integer.parseInt(flags.getOrDefault(name, Integer.toString(dflt)));
  }

  private void run() throws Exception {
    int rounds = intFlag("rounds", 3);
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    Path dir = Files.createTempDirectory("kuark-storage-bench");
    try (EtcdLauncher etcd = EtcdLauncher.start(flags.getOrDefault("etcd", "/usr/bin/etcd"), dir)) {
      // Backends take turns within each round, so load drift on the machine hits all alike.
      for (int round = 0; round < rounds; round++) {
        for (String backend : flags.getOrDefault("backends", "embedded,etcd,raw-etcd").split(",")) {
          try (BenchTarget target = open(backend, dir, etcd.clientUrl())) {
            measure(target, "/bench/" + backend + "/r" + round + "/");
          }
        }
        Latencies flush = FlushProbe.measure(dir, 200);
        double[] figures = {0, flush.quantileMillis(0.50), flush.quantileMillis(0.99)};
        System.err.printf("disk flush floor: p50 %.2f ms, p99 %.2f ms%n", figures[1], figures[2]);
        results
            .computeIfAbsent(
                "disk (floor) | write 700 B + fdatasync, preallocated file", k -> new ArrayList<>())
            .add(figures);
      }
    } finally {
      deleteTree(dir);
    }
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
    System.out.println();
    System.out.println(
        "Median of "
            + rounds
            + " rounds. /proc/loadavg before: "
            + loadBefore
            + "; after: "
            + loadAfter);
    System.out.println();
    System.out.println("| backend | operation | ops/s | p50 ms | p99 ms |");
    System.out.println("|---|---|---:|---:|---:|");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double opsPerSec = median(e.getValue(), 0);
      System.out.printf(
          "| %s | %s | %.2f | %.2f |%n",
          e.getKey(),
          opsPerSec == 0 ? "—" : String.format("%.0f", opsPerSec),
          median(e.getValue(), 1),
          median(e.getValue(), 2));
    }
  }

  private static double median(List<double[]> rounds, int column) {
    double[] v = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static BenchTarget open(String backend, Path dir, String etcdUrl) {
    return switch (backend) {
      case "embedded" ->
          new StorageTarget("embedded (SQLite)", SqliteStorage.open(dir.resolve("state.db")));
      case "embedded-nosync" ->
          new StorageTarget(
              "embedded (SQLite), no fsync per commit",
              SqliteStorage.open(
                  dir.resolve("state-nosync.db"),
                  SqliteOptions.defaults().withSyncEachCommit(false)));
      case "etcd" -> new StorageTarget("etcd backend", EtcdStorage.connect(List.of(etcdUrl)));
      case "raw-etcd" -> new RawEtcdTarget(etcdUrl);
      default -> throw new IllegalArgumentException("unknown backend " + backend);
    };
  }

  private void measure(BenchTarget t, String prefix) throws Exception {
    System.err.println("== " + t.name());
    // Warm-up (JIT, connections), not recorded.
    long[] warmRevs = new long[warmup];
    for (int i = 0; i < warmup; i++) {
      warmRevs[i] = t.create(prefix + "warm/" + i, value);
      t.get(prefix + "warm/" + i);
      t.update(prefix + "warm/" + i, value, warmRevs[i]);
    }

    String[] keys = new String[ops];
    long[] revs = new long[ops];
    Latencies create = new Latencies();
    long start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      keys[i] = prefix + "c/" + String.format("%06d", i);
      long t0 = System.nanoTime();
      revs[i] = t.create(keys[i], value);
      create.add(System.nanoTime() - t0);
    }
    report(t, "create", create, System.nanoTime() - start);

    Latencies get = new Latencies();
    start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      long t0 = System.nanoTime();
      if (!t.get(keys[(i * 7919) % ops])) {
        throw new IllegalStateException("missing key");
      }
      get.add(System.nanoTime() - t0);
    }
    report(t, "get", get, System.nanoTime() - start);

    Latencies update = new Latencies();
    start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      long t0 = System.nanoTime();
      revs[i] = t.update(keys[i], value, revs[i]);
      update.add(System.nanoTime() - t0);
    }
    report(t, "update (CAS)", update, System.nanoTime() - start);

    measureConcurrentCreates(t, prefix + "cc/");
    measureList(t, prefix + "list/");
    measureWatchFanOut(t, prefix + "watch/");
  }

  private void measureConcurrentCreates(BenchTarget t, String prefix) throws Exception {
    int threads = intFlag("concurrency", 16);
    Latencies lat = new Latencies();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int th = 0; th < threads; th++) {
      done.add(
          pool.submit(
              () -> {
                for (int i; (i = next.getAndIncrement()) < ops; ) {
                  long t0 = System.nanoTime();
                  t.create(prefix + i, value);
                  lat.add(System.nanoTime() - t0);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    report(t, "create, " + threads + " concurrent clients", lat, elapsed);
  }

  private void measureList(BenchTarget t, String prefix) {
    int n = intFlag("list-keys", 1000);
    for (int i = 0; i < n; i++) {
      t.create(prefix + String.format("%06d", i), value);
    }
    for (int i = 0; i < 20; i++) {
      t.list(prefix);
    }
    int reads = intFlag("list-reads", 50);
    Latencies lat = new Latencies();
    long start = System.nanoTime();
    for (int i = 0; i < reads; i++) {
      long t0 = System.nanoTime();
      int got = t.list(prefix);
      lat.add(System.nanoTime() - t0);
      if (got != n) {
        throw new IllegalStateException("list returned " + got + " of " + n);
      }
    }
    report(t, "list of " + n + " keys", lat, System.nanoTime() - start);
  }

  private void measureWatchFanOut(BenchTarget t, String prefix) throws Exception {
    int watchers = intFlag("watchers", 100);
    int events = intFlag("watch-events", 100);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Latencies lat = new Latencies();
    CountDownLatch all = new CountDownLatch(watchers * events);
    List<AutoCloseable> watches = new ArrayList<>();
    for (int w = 0; w < watchers; w++) {
      watches.add(
          t.watch(
              prefix,
              key -> {
                long now = System.nanoTime();
                Long sent = sentAt.get(key);
                if (sent != null) {
                  lat.add(now - sent);
                  all.countDown();
                }
              }));
    }
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      String key = prefix + String.format("%06d", i);
      sentAt.put(key, System.nanoTime());
      t.create(key, value);
    }
    boolean complete = all.await(120, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    for (AutoCloseable w : watches) {
      w.close();
    }
    if (!complete) {
      throw new IllegalStateException(
          "watch fan-out incomplete: " + (watchers * events - all.getCount()) + " delivered");
    }
    report(
        t,
        "watch fan-out to " + watchers + " watchers (per delivery, write to receipt)",
        lat,
        elapsed);
  }

  private void report(BenchTarget t, String op, Latencies lat, long elapsedNanos) {
    double[] figures = {
      lat.count() / (elapsedNanos / 1e9), lat.quantileMillis(0.50), lat.quantileMillis(0.99)
    };
    System.err.printf(
        "%s | %s: %.0f ops/s, p50 %.2f ms, p99 %.2f ms%n",
        t.name(), op, figures[0], figures[1], figures[2]);
    results.computeIfAbsent(t.name() + " | " + op, k -> new ArrayList<>()).add(figures);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
