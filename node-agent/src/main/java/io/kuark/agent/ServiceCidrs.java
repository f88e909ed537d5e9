package io.kuark.agent;

/** Addresses the agent derives from the service CIDR, the way the server derives them. */
final class ServiceCidrs {
  private ServiceCidrs() {}

  /**
   * The 10th address of an IPv4 CIDR (the kube-dns ClusterIP the server allocates: {@code
   * 10.43.0.0/16} gives {@code 10.43.0.10}), or null when {@code cidr} is not an IPv4 CIDR or too
   * small to hold it.
   */
  static String tenthAddress(String cidr) {
    String[] parts = cidr.split("/", -1);
    if (parts.length != 2 || !parts[1].matches("\\d{1,2}")) {
      return null;
    }
    int prefix = Integer.parseInt(parts[1]);
    String[] octets = parts[0].split("\\.", -1);
    if (prefix > 28 || octets.length != 4) {
      return null;
    }
    long address = 0;
    for (String octet : octets) {
      if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
        return null;
      }
      address = (address << 8) | Integer.parseInt(octet);
    }
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    long tenth = (address & mask) + 10;
    return ((tenth >> 24) & 255)
        + "."
        + ((tenth >> 16) & 255)
        + "."
        + ((tenth >> 8) & 255)
        + "."
        + (tenth & 255);
  }
}
