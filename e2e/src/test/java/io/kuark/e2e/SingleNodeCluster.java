package io.kuark.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster most end-to-end tests want, as {@code kuark up} makes it: a server on the embedded
 * store and one agent on node IP 127.0.0.1 with the demo image in its images directory, on cluster
 * and service CIDRs of the test's own (a real install never uses them). Closing it stops both
 * processes and removes what the agent keeps on the host for those CIDRs on purpose (its bridge and
 * the safety routes), so the next test starts clean.
 */
final class SingleNodeCluster implements AutoCloseable {

  final KuarkProcesses processes;
  final KuarkProcesses.Server server;
  final KuarkProcesses.Agent agent;

  /** kubectl of the default version with the admin kubeconfig. */
  final Kubectl kubectl;

  private final List<String> cidrs;

  private SingleNodeCluster(
      KuarkProcesses processes,
      KuarkProcesses.Server server,
      KuarkProcesses.Agent agent,
      Kubectl kubectl,
      List<String> cidrs) {
    this.processes = processes;
    this.server = server;
    this.agent = agent;
    this.kubectl = kubectl;
    this.cidrs = cidrs;
  }

  /**
   * Starts server and agent for {@code testName} on /16 {@code clusterCidr} and {@code
   * serviceCidr}, with {@code agentArgs} appended to the agent's flags; stops whatever already
   * started if a later step fails.
   */
  static SingleNodeCluster start(
      String testName, String clusterCidr, String serviceCidr, List<String> agentArgs)
      throws Exception {
    return start(testName, clusterCidr, serviceCidr, agentArgs, false);
  }

  /**
   * Like {@link #start(String, String, String, List)}; with {@code join} the agent joins with the
   * server's join token ({@code --server}, {@code --token-file}) instead of the admin kubeconfig.
   */
  static SingleNodeCluster start(
      String testName, String clusterCidr, String serviceCidr, List<String> agentArgs, boolean join)
      throws Exception {
    KuarkProcesses processes = new KuarkProcesses(testName);
    List<String> cidrs = List.of(clusterCidr, serviceCidr);
    try {
      KuarkProcesses.Server server =
          processes.startServer(
              List.of(
                  "--storage",
                  "embedded",
                  "--cluster-cidr",
                  clusterCidr,
                  "--service-cidr",
                  serviceCidr));
      Path nodeDataDir = processes.newDir("node");
      Path images = Files.createDirectories(nodeDataDir.resolve("agent/images"));
      HostCommands.exec(
          processes.repo().demoImageScript().toString(),
          images.resolve("kuark-demo.oci.tar").toString());
      List<String> args = new ArrayList<>();
      if (join) {
        args.addAll(
            List.of(
                "--server",
                server.url(),
                "--token-file",
                server.dataDir().resolve("server/token").toString()));
      }
      args.addAll(agentArgs);
      KuarkProcesses.Agent agent =
          processes.startAgent(
              server,
              new KuarkProcesses.AgentOptions("127.0.0.1", clusterCidr, serviceCidr, nodeDataDir),
              args);
      Kubectl kubectl =
          new Kubectl(Kubectl.binary("default"), server.kubeconfig(), processes.newDir("kubectl"));
      return new SingleNodeCluster(processes, server, agent, kubectl, cidrs);
    } catch (Throwable t) {
      // The reason the start failed comes first; a failed clean-up is suppressed in it.
      try {
        cleanUp(processes, cidrs);
      } catch (Throwable cleanUpFailure) {
        t.addSuppressed(cleanUpFailure);
      }
      throw t;
    }
  }

  @Override
  public void close() throws Exception {
    cleanUp(processes, cidrs);
  }

  /**
   * Stops the processes and removes the agent's bridge and routes in the test's ranges. Every step
   * runs whatever an earlier one threw (the processes' leftover check fails with an {@link
   * AssertionError}, and the routes must go all the same); the first failure is thrown.
   */
  private static void cleanUp(KuarkProcesses processes, List<String> cidrs) throws Exception {
    CleanUpSteps steps = new CleanUpSteps();
    steps.run(processes::close);
    // The agent keeps its bridge and safety routes after it stops; the test ranges are ours.
    for (String cidr : cidrs) {
      steps.run(() -> HostCommands.removeBridgesWithAddressesIn(slash16Prefix(cidr)));
      steps.run(() -> HostCommands.removeRoutesWithin(cidr));
    }
    steps.throwFirst();
  }

  /** "10.205." for "10.205.0.0/16": the text every address in the /16 starts with. */
  static String slash16Prefix(String cidr) {
    if (!cidr.endsWith("/16")) {
      throw new IllegalArgumentException("test CIDRs are /16: " + cidr);
    }
    String[] octets = cidr.substring(0, cidr.indexOf('/')).split("\\.");
    return octets[0] + "." + octets[1] + ".";
  }
}
