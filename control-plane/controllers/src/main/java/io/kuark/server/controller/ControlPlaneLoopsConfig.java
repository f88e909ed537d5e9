package io.kuark.server.controller;

/**
 * Settings of the control-plane loops that come from the server's command line.
 *
 * @param clusterCidr the pod network, e.g. {@code 10.42.0.0/16}; node IPAM carves node ranges from
 *     it
 * @param nodeCidrMaskSize prefix length of each node's pod range, e.g. {@code 24}
 * @param serviceCidr the Service ClusterIP range, e.g. {@code 10.43.0.0/16}
 * @param spreadDefaults the scheduler's default spread constraints ({@code --scheduler-config})
 */
public record ControlPlaneLoopsConfig(
    String clusterCidr,
    int nodeCidrMaskSize,
    String serviceCidr,
    io.kuark.server.scheduler.plugins.SpreadDefaults spreadDefaults) {

  /** With upstream's system default spread constraints. */
  public ControlPlaneLoopsConfig(String clusterCidr, int nodeCidrMaskSize, String serviceCidr) {
    this(
        clusterCidr,
        nodeCidrMaskSize,
        serviceCidr,
        io.kuark.server.scheduler.plugins.SpreadDefaults.SYSTEM);
  }

  /** The k3s-like defaults: 10.42.0.0/16 with /24 per node, services in 10.43.0.0/16. */
  public static ControlPlaneLoopsConfig defaults() {
    return new ControlPlaneLoopsConfig("10.42.0.0/16", 24, "10.43.0.0/16");
  }
}
