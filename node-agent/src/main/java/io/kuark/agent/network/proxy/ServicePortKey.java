package io.kuark.agent.network.proxy;

/** One port of one Service: the unit the proxy programs (as upstream's ServicePortName). */
record ServicePortKey(String namespace, String name, String port)
    implements Comparable<ServicePortKey> {

  @Override
  public int compareTo(ServicePortKey o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return namespace + "/" + name + (port.isEmpty() ? "" : ":" + port);
  }
}
