package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kuark.linux.NftRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times the service proxy's programming in a throwaway network namespace: N ClusterIP Services with
 * 5 endpoints each from scratch (render every Service + one full {@code nft -f} transaction), then
 * one change at that size (one Service's endpoints 5 -> 4: re-render that Service, one partial
 * transaction with what changed). Lives in the proxy's package because the pieces it times are
 * package-private.
 *
 * <p>Usage: {@code ProxyProgrammingBench SERVICES RUNS} as root; creates and deletes netns {@code
 * kuark-proxy-bench}.
 */
public final class ProxyProgrammingBench {
  public static void main(String[] args) throws Exception {
    int services = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    String netns = "kuark-proxy-bench";
    exec("ip", "netns", "add", netns);
    try {
      ProxyConfig config =
          new ProxyConfig(
              "kuark-proxy-bench",
              "node-a",
              List.of("10.99.0.1"),
              "10.42.0.0/16",
              "10.43.0.10",
              false,
              Path.of("/run/netns", netns));
      RulesetBuilder builder = new RulesetBuilder(config);
      NftRunner nft = new NftRunner(config.netns());
      List<Service> svcs = new ArrayList<>();
      List<EndpointSlice> slices = new ArrayList<>();
      for (int i = 0; i < services; i++) {
        svcs.add(service(i));
        slices.add(slice(i, 5));
      }
      long[] full = new long[runs];
      long[] change = new long[runs];
      long[] fullCompute = new long[runs];
      long[] changeCompute = new long[runs];
      long[] fullCpu = new long[runs];
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      String table = "ip " + config.table();
      for (int r = 0; r < runs; r++) {
        // From scratch: render every Service, one full transaction (what the proxy's full sync
        // does).
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        ProxyTable programmed = new ProxyTable();
        NftTransaction unused = new NftTransaction(table);
        for (int i = 0; i < services; i++) {
          Service s = svcs.get(i);
          programmed.put(
              RulesetBuilder.key(s),
              RulesetBuilder.orderKey(s),
              builder.render(s, List.of(slices.get(i))),
              unused);
        }
        String script = NftScripts.full(config, programmed.snapshot());
        fullCompute[r] = System.nanoTime() - t0;
        fullCpu[r] = threads.getCurrentThreadCpuTime() - c0;
        nft.apply(script);
        full[r] = System.nanoTime() - t0;

        // One change: one Service's endpoints 5 -> 4 (alternating 4 -> 5 on odd runs), rendered
        // and applied as a partial sync.
        int victim = services / 2;
        Service s = svcs.get(victim);
        EndpointSlice changed = slice(victim, r % 2 == 0 ? 4 : 5);
        long t1 = System.nanoTime();
        NftTransaction tx = new NftTransaction(table);
        programmed.put(
            RulesetBuilder.key(s),
            RulesetBuilder.orderKey(s),
            builder.render(s, List.of(changed)),
            tx);
        String partial = tx.script();
        changeCompute[r] = System.nanoTime() - t1;
        nft.apply(partial);
        change[r] = System.nanoTime() - t1;
        slices.set(victim, changed);
      }
      System.out.printf(
          "services=%d endpoints/service=5 runs=%d%n  from scratch: median %.1f ms, all %s"
              + " (of which rules + script in Java: median %.1f ms, CPU %.1f ms)%n"
              + "  one change:   median %.1f ms, all %s (of which render + partial script in Java: median %.1f"
              + " ms)%n",
          services,
          runs,
          median(full),
          ms(full),
          median(fullCompute),
          median(fullCpu),
          median(change),
          ms(change),
          median(changeCompute));
    } finally {
      exec("ip", "netns", "del", netns);
    }
  }

  static Service service(int i) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName("svc-" + i)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("10.43." + (i / 250) + "." + (i % 250 + 1))
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  static EndpointSlice slice(int i, int endpoints) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace("bench")
            .withName("svc-" + i + "-x")
            .withLabels(Map.of("kubernetes.io/service-name", "svc-" + i))
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withProtocol("TCP")
            .withPort(8080)
            .endPort();
    for (int e = 0; e < endpoints; e++) {
      int n = i * 5 + e;
      b.addNewEndpoint()
          .withAddresses("10.42." + (n / 250) + "." + (n % 250 + 1))
          .withNodeName("node-a")
          .withNewConditions()
          .withReady(true)
          .endConditions()
          .endEndpoint();
    }
    return b.build();
  }

  static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e6;
  }

  static String ms(long[] nanos) {
    StringBuilder b = new StringBuilder("[");
    for (long n : nanos) {
      b.append(b.length() > 1 ? ", " : "").append(String.format("%.0f", n / 1e6));
    }
    return b.append("]").toString();
  }

  static void exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
  }
}
