package io.kuark.agent.network.proxy;

/**
 * One backend of a service port as the proxy uses it.
 *
 * @param ip IPv4 address of the backend
 * @param port target port on the backend
 * @param local whether the backend runs on this node
 */
record Endpoint(String ip, int port, boolean local) implements Comparable<Endpoint> {

  @Override
  public int compareTo(Endpoint o) {
    int c = ip.compareTo(o.ip);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  String address() {
    return ip + ":" + port;
  }
}
