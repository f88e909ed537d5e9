package io.kuark.server.auth.pki;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The subject alternative names of the API serving certificate.
 *
 * @param dnsNames DNS names
 * @param ips IP addresses in textual form
 */
public record ServingNames(List<String> dnsNames, List<String> ips) {

  /**
   * The names upstream puts on an API server certificate: localhost, the in-cluster names of the
   * {@code kubernetes} Service, this host's name, its addresses, loopback and the first Service IP.
   */
  public static ServingNames forThisHost(String firstServiceIp, List<String> extraNames) {
    Set<String> dns = new LinkedHashSet<>();
    dns.add("localhost");
    dns.add("kubernetes");
    dns.add("kubernetes.default");
    dns.add("kubernetes.default.svc");
    dns.add("kubernetes.default.svc.cluster.local");
    Set<String> ips = new LinkedHashSet<>();
    ips.add("127.0.0.1");
    ips.add(firstServiceIp);
    try {
      dns.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      // No resolvable host name: the certificate still covers the addresses.
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (!address.isLinkLocalAddress()) {
            ips.add(address.getHostAddress().replaceAll("%.*$", ""));
          }
        }
      }
    } catch (SocketException e) {
      // Interfaces cannot be listed: loopback and the service IP are still there.
    }
    for (String extra : extraNames) {
      if (extra.matches("[0-9.]+") || extra.contains(":")) {
        ips.add(extra);
      } else {
        dns.add(extra);
      }
    }
    return new ServingNames(new ArrayList<>(dns), new ArrayList<>(ips));
  }
}
