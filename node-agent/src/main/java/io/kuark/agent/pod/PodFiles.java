package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The per-pod files bind-mounted into every container: {@code /etc/hosts}, {@code /etc/resolv.conf}
 * and {@code /etc/hostname}, kept in the pod directory.
 */
public final class PodFiles {

  private PodFiles() {}

  /** Writes (or rewrites) the pod's files into {@code podDir}. */
  public static void write(
      Pod pod, Path podDir, List<String> podIps, String clusterDns, String clusterDomain)
      throws IOException {
    Files.createDirectories(podDir);
    String name = pod.getMetadata().getName();
    String hostname =
        pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
            ? pod.getSpec().getHostname()
            : name;
    Files.writeString(podDir.resolve("hostname"), hostname + "\n");
    Files.writeString(podDir.resolve("hosts"), hosts(hostname, podIps));
    Files.writeString(podDir.resolve("resolv.conf"), resolvConf(pod, clusterDns, clusterDomain));
  }

  static String hosts(String hostname, List<String> podIps) {
    StringBuilder hosts = new StringBuilder();
    hosts.append("# Kubernetes-managed hosts file.\n");
    hosts.append("127.0.0.1\tlocalhost\n");
    hosts.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    hosts.append("fe00::0\tip6-localnet\n");
    hosts.append("fe00::0\tip6-mcastprefix\n");
    hosts.append("fe00::1\tip6-allnodes\n");
    hosts.append("fe00::2\tip6-allrouters\n");
    for (String ip : podIps) {
      hosts.append(ip).append('\t').append(hostname).append('\n');
    }
    return hosts.toString();
  }

  /**
   * The pod's resolv.conf by {@code dnsPolicy}, as the kubelet writes it: ClusterFirst (the
   * default) and ClusterFirstWithHostNet use the cluster DNS with the cluster search domains (then
   * the host's) and {@code ndots:5}; Default, and ClusterFirst for host-network pods, use the
   * host's resolver configuration; None starts empty. {@code spec.dnsConfig} is merged in for every
   * policy, then the resolver limits apply.
   */
  static String resolvConf(Pod pod, String clusterDns, String clusterDomain) throws IOException {
    Path host = Path.of("/etc/resolv.conf");
    return resolvConf(
        pod, clusterDns, clusterDomain, Files.isReadable(host) ? Files.readString(host) : "");
  }

  static String resolvConf(
      Pod pod, String clusterDns, String clusterDomain, String hostResolvConf) {
    String policy =
        pod.getSpec().getDnsPolicy() == null ? "ClusterFirst" : pod.getSpec().getDnsPolicy();
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    ResolvConf hostConf = ResolvConf.parse(hostResolvConf);
    ResolvConf conf;
    if (policy.equals("None")) {
      conf = ResolvConf.EMPTY;
    } else if (policy.equals("ClusterFirstWithHostNet")
        || (policy.equals("ClusterFirst") && !hostNetwork)) {
      String namespace = pod.getMetadata().getNamespace();
      List<String> searches =
          new ArrayList<>(
              List.of(namespace + ".svc." + clusterDomain, "svc." + clusterDomain, clusterDomain));
      searches.addAll(hostConf.searches());
      conf =
          new ResolvConf(
              List.of(clusterDns),
              new ArrayList<>(new LinkedHashSet<>(searches)),
              List.of("ndots:5"));
    } else {
      conf = hostConf;
    }
    return conf.with(pod.getSpec().getDnsConfig()).withinLimits().render();
  }
}
