package io.kuark.cni;

import java.util.Map;

/**
 * One plugin invocation: the spec's environment plus the network configuration from stdin.
 *
 * @param command CNI_COMMAND: ADD, DEL, CHECK, STATUS, VERSION or GC
 * @param containerId CNI_CONTAINERID
 * @param netns CNI_NETNS: path of the container's network namespace (may be empty on DEL)
 * @param ifName CNI_IFNAME: interface name inside the container
 * @param args CNI_ARGS: "K=V;K2=V2", or empty
 * @param path CNI_PATH: ':'-separated directories for delegated plugins
 * @param config the network configuration JSON (bytes as read from stdin)
 */
public record CniRequest(
    String command,
    String containerId,
    String netns,
    String ifName,
    String args,
    String path,
    byte[] config) {

  /** Builds a request from a process environment (as the binary receives it) and stdin bytes. */
  public static CniRequest fromEnvironment(Map<String, String> env, byte[] stdin) {
    return new CniRequest(
        env.getOrDefault("CNI_COMMAND", ""),
        env.getOrDefault("CNI_CONTAINERID", ""),
        env.getOrDefault("CNI_NETNS", ""),
        env.getOrDefault("CNI_IFNAME", ""),
        env.getOrDefault("CNI_ARGS", ""),
        env.getOrDefault("CNI_PATH", ""),
        stdin);
  }

  /** Same request with another command. */
  public CniRequest withCommand(String value) {
    return new CniRequest(value, containerId, netns, ifName, args, path, config);
  }

  /** The environment a delegated plugin gets (the spec's variables only). */
  public Map<String, String> environment() {
    return Map.of(
        "CNI_COMMAND", command,
        "CNI_CONTAINERID", containerId == null ? "" : containerId,
        "CNI_NETNS", netns == null ? "" : netns,
        "CNI_IFNAME", ifName == null ? "" : ifName,
        "CNI_ARGS", args == null ? "" : args,
        "CNI_PATH", path == null ? "" : path);
  }
}
