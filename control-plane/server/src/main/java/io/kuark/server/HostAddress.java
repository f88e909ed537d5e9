package io.kuark.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

/** Picks the address this server advertises (the {@code kubernetes} Service endpoint). */
final class HostAddress {

  private HostAddress() {}

  /**
   * The bind address when it is a specific one, else the first global IPv4 address of an interface
   * that is up, else loopback.
   */
  static String pick(String bindAddress) {
    if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
      return bindAddress;
    }
    String viaDefaultRoute = defaultRouteAddress();
    if (viaDefaultRoute != null) {
      return viaDefaultRoute;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // Fall through to loopback.
    }
    return "127.0.0.1";
  }

  /** The IPv4 address of the interface holding the default route (from /proc/net/route). */
  private static String defaultRouteAddress() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 2 && f[1].equals("00000000")) {
          NetworkInterface nic = NetworkInterface.getByName(f[0]);
          if (nic == null) {
            continue;
          }
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
              return a.getHostAddress();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
