package io.kuark.bench.netns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated node for the network benchmarks: a "node" network namespace with a bridge {@code
 * kbr0} (the gateway address, {@code ip_forward} on) and "pod" namespaces on veth ports of that
 * bridge, each with a default route via the gateway. Closing it stops the processes handed to
 * {@link #track} (newest first) and deletes every namespace it made; a shutdown hook does the same
 * on SIGTERM or Ctrl-C, when {@code finally} blocks do not run (a process left in a pod namespace
 * would keep it alive).
 */
public final class BridgedPods implements AutoCloseable {
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::cleanUp);
  private final String node;
  private final String gateway;

  /** Creates the node namespace {@code node} with its bridge at {@code gateway}/24. */
  public BridgedPods(String node, String gateway) throws Exception {
    this.node = node;
    this.gateway = gateway;
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      addNamespace(node);
      exec("ip", "-n", node, "link", "add", "kbr0", "type", "bridge");
      exec("ip", "-n", node, "addr", "add", gateway + "/24", "dev", "kbr0");
      exec("ip", "-n", node, "link", "set", "kbr0", "up");
      nodeSysctl("net.ipv4.ip_forward=1");
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  public String node() {
    return node;
  }

  /** Writes one sysctl ({@code key=value}) in the node namespace. */
  public void nodeSysctl(String setting) throws Exception {
    exec("ip", "netns", "exec", node, "sysctl", "-qw", setting);
  }

  /**
   * Creates the pod namespace {@code pod} with {@code eth0} at {@code ip}/24, whose peer {@code
   * hostEnd} is a port of the node's bridge.
   */
  public void addPod(String pod, String ip, String hostEnd) throws Exception {
    addNamespace(pod);
    exec(
        "ip", "-n", node, "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns",
        pod);
    exec("ip", "-n", node, "link", "set", hostEnd, "master", "kbr0", "up");
    exec("ip", "-n", pod, "addr", "add", ip + "/24", "dev", "eth0");
    exec("ip", "-n", pod, "link", "set", "eth0", "up");
    exec("ip", "-n", pod, "route", "add", "default", "via", gateway);
  }

  /**
   * Starts {@code main} in a JVM like this one (same {@code java}, same class path) inside the
   * namespace {@code ns} and stops it when this closes. Its stderr goes to ours; its stdout too
   * when {@code inheritOutput}, else the caller reads it.
   */
  public Process startJava(String ns, Class<?> main, boolean inheritOutput, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.add("netns");
    cmd.add("exec");
    cmd.add(ns);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (inheritOutput) {
      builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    }
    return track(builder.start());
  }

  /** Stops {@code process} when this closes. */
  public synchronized Process track(Process process) {
    processes.add(process);
    return process;
  }

  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is already running and cleans up the same way
    }
  }

  private void addNamespace(String ns) throws Exception {
    exec("ip", "netns", "add", ns);
    synchronized (this) {
      namespaces.add(ns);
    }
    exec("ip", "-n", ns, "link", "set", "lo", "up");
  }

  private synchronized void cleanUp() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      stop(processes.get(i));
    }
    processes.clear();
    for (String ns : namespaces) {
      try {
        new ProcessBuilder("ip", "netns", "del", ns).inheritIO().start().waitFor();
      } catch (Exception e) {
        System.err.println("could not delete netns " + ns + ": " + e);
      }
    }
    namespaces.clear();
  }

  private static void stop(Process p) {
    if (p.isAlive()) {
      p.destroy();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs a command and returns its output; a non-zero exit is an exception with that output. */
  public static String exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }
}
