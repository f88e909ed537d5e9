package io.kuark.agent.network.dns;

import static io.kuark.agent.network.dns.KubernetesZoneTest.clusterIp;
import static io.kuark.agent.network.dns.KubernetesZoneTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * An upstream that takes queries and never answers (on loopback) ties up every forwarding worker;
 * cluster names must still be answered meanwhile, whether the stuck queries are forwarded names or
 * ExternalName Services (whose CNAME target is looked up through the upstreams).
 */
class ClusterDnsIsolationIT {

  @Test
  void clusterAnswersDoNotQueueBehindASilentUpstream() throws Exception {
    assertClusterNamesAnsweredWhileStuck(i -> "name" + i + ".example.org");
  }

  @Test
  void clusterAnswersDoNotQueueBehindExternalNameLookups() throws Exception {
    // Each query for the ExternalName Service chases example.org through the silent upstream;
    // were those lookups run on the cluster workers, the 200 of them would hold every worker.
    assertClusterNamesAnsweredWhileStuck(i -> "ext.demo.svc.cluster.local");
  }

  private static void assertClusterNamesAnsweredWhileStuck(IntFunction<String> stuckNames)
      throws Exception {
    MapClusterView view = new MapClusterView();
    view.namespaces.add("demo");
    view.services.add(clusterIp("web", "10.43.0.20", port("http", 80, "TCP")));
    view.services.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName("ext")
            .withNamespace("demo")
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("example.org")
            .endSpec()
            .build());
    InetAddress lo = InetAddress.getLoopbackAddress();
    AtomicInteger swallowed = new AtomicInteger();
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(lo, 0))) {
      Thread sink =
          new Thread(
              () -> {
                byte[] buf = new byte[512];
                while (!silent.isClosed()) {
                  try {
                    silent.receive(new DatagramPacket(buf, buf.length));
                    swallowed.incrementAndGet();
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              },
              "silent-upstream");
      sink.setDaemon(true);
      sink.start();
      try (ClusterDns dns =
          ClusterDns.start(
              view,
              new ClusterDns.Settings(
                  "cluster.local",
                  lo,
                  0,
                  List.of(new InetSocketAddress(lo, silent.getLocalPort()))))) {
        InetSocketAddress server = new InetSocketAddress(lo, dns.udpPort());
        // 200 stuck queries: with one shared pool of 16 workers and a 2 s upstream time-out a
        // query behind them would wait 25 s, far past the client's 5 s.
        try (DatagramSocket flood = new DatagramSocket()) {
          for (int i = 0; i < 200; i++) {
            byte[] q = TestDnsClient.query(i, stuckNames.apply(i), DnsRecordType.A, 0);
            flood.send(new DatagramPacket(q, q.length, server));
          }
        }
        while (swallowed.get() < 16) {
          Thread.sleep(10); // every forwarding worker now waits on the silent upstream
        }
        TestDnsClient client = new TestDnsClient(server);
        assertThat(client.udp("web.demo.svc.cluster.local", DnsRecordType.A).answers())
            .containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
        assertThat(client.tcp("nope.demo.svc.cluster.local", DnsRecordType.A).rcode()).isEqualTo(3);
        // the ExternalName's own CNAME question needs no upstream: still a cluster answer
        assertThat(client.udp("ext.demo.svc.cluster.local", DnsRecordType.CNAME).answers())
            .containsExactly("ext.demo.svc.cluster.local. 5 CNAME example.org.");
      }
    }
  }
}
