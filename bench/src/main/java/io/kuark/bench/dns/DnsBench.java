package io.kuark.bench.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kuark.agent.network.dns.ClusterDns;
import io.kuark.agent.network.dns.ClusterView;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Queries/s and latency of the agent's cluster DNS server ({@link ClusterDns}) over UDP on
 * loopback: cluster Service names (A), names that do not exist (NXDOMAIN), and names outside the
 * cluster domain forwarded to a tiny upstream responder this harness runs on loopback (each name
 * unique, so every query misses the cache and goes upstream). The zone reads an in-memory view
 * holding N Services with one ready endpoint each, as the informers would.
 *
 * <p>Usage: {@code DnsBench [SERVICES] [SECONDS_PER_CASE]} (defaults 1000 and 5). Binds only
 * 127.0.0.1 free ports; never touches the host's resolvers.
 */
public final class DnsBench {
  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    IndexedView view = new IndexedView(services);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    System.out.println("loadavg before: " + loadavg());
    try (LoopbackUpstream upstream = new LoopbackUpstream(lo);
        ClusterDns dns =
            ClusterDns.start(
                view,
                new ClusterDns.Settings("cluster.local", lo, 0, List.of(upstream.address())))) {
      InetSocketAddress server = new InetSocketAddress(lo, dns.udpPort());
      System.out.printf("services=%d seconds/case=%d epoll=%s%n", services, seconds, dns.epoll());
      AtomicLong unique = new AtomicLong();
      // JIT warm-up over every path (not reported): the first case would otherwise pay for it.
      runAll(server, 16, 3, services, unique, false);
      System.out.println("| names | concurrency | queries/s | p50 ms | p99 ms | errors |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      for (int concurrency : new int[] {1, 16}) {
        runAll(server, concurrency, seconds, services, unique, true);
      }
      System.out.println("upstream queries answered: " + upstream.answered.get());
    }
    System.out.println("loadavg after: " + loadavg());
  }

  static void runAll(
      InetSocketAddress server,
      int concurrency,
      int seconds,
      int services,
      AtomicLong unique,
      boolean print)
      throws Exception {
    run(
        server,
        "cluster Service (A)",
        concurrency,
        seconds,
        0,
        print,
        i -> "svc-" + (i % services) + ".bench.svc.cluster.local");
    run(
        server,
        "missing Service (NXDOMAIN)",
        concurrency,
        seconds,
        3,
        print,
        i -> "nosuch-" + (i % services) + ".bench.svc.cluster.local");
    run(
        server,
        "forwarded, unique name (upstream)",
        concurrency,
        seconds,
        0,
        print,
        i -> "q" + unique.incrementAndGet() + ".example.test");
  }

  static String loadavg() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  /** Queries/s, p50 and p99 (ms) and failed queries of one case. */
  record Result(double perSecond, double p50, double p99, long errors) {}

  /** Each worker sends one query, waits for its answer, repeats; 1 s warm-up is not counted. */
  static Result run(
      InetSocketAddress server,
      String label,
      int concurrency,
      int seconds,
      int expectedRcode,
      boolean print,
      IntFunction<String> names)
      throws Exception {
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    long end = warmEnd + seconds * 1_000_000_000L;
    List<long[]> lat = new ArrayList<>();
    long[] counts = new long[concurrency];
    long[] errors = new long[concurrency];
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      long[] mine = new long[4_000_000];
      lat.add(mine);
      int w = t;
      Thread th =
          new Thread(
              () -> {
                try (DatagramSocket s = new DatagramSocket()) {
                  s.setSoTimeout(2000);
                  byte[] buf = new byte[1500];
                  int i = w * 7919;
                  int id = 0;
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    id = (id + 1) & 0xFFFF;
                    byte[] q = query(id, names.apply(i++));
                    s.send(new DatagramPacket(q, q.length, server));
                    DatagramPacket resp = new DatagramPacket(buf, buf.length);
                    boolean ok;
                    try {
                      do {
                        s.receive(resp);
                      } while (((buf[0] & 0xFF) << 8 | (buf[1] & 0xFF)) != id);
                      ok = (buf[3] & 0xF) == expectedRcode && (buf[2] & 0x80) != 0;
                    } catch (SocketTimeoutException e) {
                      ok = false;
                    }
                    long t1 = System.nanoTime();
                    if (t0 < warmEnd) {
                      continue;
                    }
                    if (!ok) {
                      errors[w]++;
                    } else if (counts[w] < mine.length) {
                      mine[(int) counts[w]++] = t1 - t0;
                    }
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    int total = 0;
    for (long c : counts) {
      total += (int) c;
    }
    long[] all = new long[total];
    int k = 0;
    long errs = 0;
    for (int t = 0; t < concurrency; t++) {
      System.arraycopy(lat.get(t), 0, all, k, (int) counts[t]);
      k += (int) counts[t];
      errs += errors[t];
    }
    Arrays.sort(all);
    Result result = new Result(total / (double) seconds, pct(all, 0.50), pct(all, 0.99), errs);
    if (print) {
      System.out.printf(
          "| %s | %d | %.0f | %.3f | %.3f | %d |%n",
          label, concurrency, result.perSecond(), result.p50(), result.p99(), errs);
    }
    return result;
  }

  static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) ((sorted.length - 1) * p)] / 1e6;
  }

  /** A standard recursive query for {@code name} IN A. */
  static byte[] query(int id, String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    b.write(id >> 8);
    b.write(id);
    b.write(0x01); // RD
    b.write(0x00);
    b.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
    for (String label : name.split("\\.")) {
      b.write(label.length());
      b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    b.write(0);
    b.writeBytes(new byte[] {0, 1, 0, 1});
    return b.toByteArray();
  }

  /** Answers every A query with one record (192.0.2.1, TTL 60); runs until closed. */
  static final class LoopbackUpstream implements AutoCloseable {
    final DatagramSocket socket;
    final AtomicLong answered = new AtomicLong();
    final Thread thread;

    LoopbackUpstream(InetAddress lo) throws Exception {
      socket = new DatagramSocket(0, lo);
      thread = new Thread(this::serve, "bench-upstream");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
    }

    private void serve() {
      byte[] buf = new byte[1500];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          int len = p.getLength();
          // question ends after the name's zero byte + type + class
          int end = 12;
          while (end < len && buf[end] != 0) {
            end += (buf[end] & 0xFF) + 1;
          }
          end += 5;
          byte[] r = new byte[end + 16];
          System.arraycopy(buf, 0, r, 0, end);
          r[2] = (byte) (0x80 | (buf[2] & 0x01)); // QR, keep RD
          r[3] = (byte) 0x80; // RA, NOERROR
          r[6] = 0;
          r[7] = 1; // ANCOUNT 1
          r[8] = r[9] = r[10] = r[11] = 0;
          byte[] rr = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 1};
          System.arraycopy(rr, 0, r, end, rr.length);
          socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
          answered.incrementAndGet();
        } catch (Exception e) {
          if (socket.isClosed()) {
            return;
          }
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** N Services svc-i in namespace bench, each with one ready endpoint; lookups by map. */
  static final class IndexedView implements ClusterView {
    final Map<String, Service> services = new HashMap<>();
    final Map<String, List<EndpointSlice>> slices = new HashMap<>();
    final Map<String, List<Service>> byClusterIp = new HashMap<>();
    final Map<String, List<EndpointSlice>> byAddress = new HashMap<>();

    IndexedView(int n) {
      for (int i = 0; i < n; i++) {
        String name = "svc-" + i;
        String ip = "10.43." + (1 + i / 250) + "." + (i % 250 + 1);
        String ep = "10.42." + (i / 250) + "." + (i % 250 + 1);
        Service s =
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("bench")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP(ip)
                .withClusterIPs(ip)
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(80)
                .endPort()
                .endSpec()
                .build();
        EndpointSlice slice =
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("bench")
                .withName(name + "-x")
                .withLabels(Map.of("kubernetes.io/service-name", name))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(8080)
                .endPort()
                .addNewEndpoint()
                .withAddresses(ep)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build();
        services.put(name, s);
        slices.put(name, List.of(slice));
        byClusterIp.put(ip, List.of(s));
        byAddress.put(ep, List.of(slice));
      }
    }

    @Override
    public boolean synced() {
      return true;
    }

    @Override
    public boolean namespaceExists(String namespace) {
      return namespace.equals("bench") || namespace.equals("default");
    }

    @Override
    public Service service(String namespace, String name) {
      return namespace.equals("bench") ? services.get(name) : null;
    }

    @Override
    public List<EndpointSlice> endpointSlices(String namespace, String service) {
      return namespace.equals("bench") ? slices.getOrDefault(service, List.of()) : List.of();
    }

    @Override
    public List<Service> servicesWithClusterIp(String ip) {
      return byClusterIp.getOrDefault(ip, List.of());
    }

    @Override
    public List<EndpointSlice> endpointSlicesWithAddress(String ip) {
      return byAddress.getOrDefault(ip, List.of());
    }
  }
}
