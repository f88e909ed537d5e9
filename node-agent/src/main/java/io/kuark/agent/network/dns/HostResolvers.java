package io.kuark.agent.network.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Upstream resolver addresses: from a resolv.conf file or from a {@code --dns-upstream} list. */
public final class HostResolvers {

  private HostResolvers() {}

  /** The {@code nameserver} lines of a resolv.conf (port 53); empty when the file is missing. */
  public static List<InetSocketAddress> fromResolvConf(Path file) throws IOException {
    List<InetSocketAddress> result = new ArrayList<>();
    if (!Files.isReadable(file)) {
      return result;
    }
    for (String line : Files.readAllLines(file)) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        result.add(new InetSocketAddress(literal(words[1]), 53));
      }
    }
    return result;
  }

  /**
   * Parses {@code ip[:port],…} ({@code [v6]:port} for IPv6 with a port); IllegalArgumentException
   * for anything that is not an address literal.
   */
  public static List<InetSocketAddress> parse(String list) {
    List<InetSocketAddress> result = new ArrayList<>();
    for (String item : list.split(",")) {
      String s = item.trim();
      if (s.isEmpty()) {
        continue;
      }
      String host = s;
      int port = 53;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("bad upstream " + s);
        }
        host = s.substring(1, close);
        if (s.length() > close + 1) {
          port = port(s.substring(close + 2), s);
        }
      } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
        host = s.substring(0, s.indexOf(':'));
        port = port(s.substring(s.indexOf(':') + 1), s);
      }
      result.add(new InetSocketAddress(literal(host), port));
    }
    return result;
  }

  private static int port(String text, String item) {
    try {
      int port = Integer.parseInt(text);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("upstream port out of range in " + item);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad upstream port in " + item);
    }
  }

  private static InetAddress literal(String host) {
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host.split("%")[0]);
    if (bytes == null) {
      throw new IllegalArgumentException("upstream is not an IP address: " + host);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
