package io.kuark.agent;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * {@code kuark-agent}: parses the command line, starts the {@link Agent}, prints {@code kuark-agent
 * ready} once the Node is registered and runs until SIGTERM/SIGINT, then stops pods (unless {@code
 * --keep-pods}).
 */
@QuarkusMain
public class KuarkAgentMain implements QuarkusApplication {

  private static final Logger LOG = Logger.getLogger(KuarkAgentMain.class);

  @Inject AgentLifecycle lifecycle;

  @Override
  public int run(String... args) throws Exception {
    if (AgentFlags.asksForHelp(args)) {
      System.out.println(AgentFlags.USAGE);
      return 0;
    }
    AgentConfig config;
    try {
      config = AgentFlags.parse(args);
    } catch (AgentFlags.UsageException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    LOG.infof(
        "kuark-agent starting: node %s (%s), data %s, run %s",
        config.nodeName(), config.nodeIp(), config.agentDir(), config.runDir());
    Agent agent = new Agent(config, Agent.linuxKernel());
    lifecycle.manage(agent);
    try {
      try {
        agent.start();
      } catch (Exception e) {
        if (agent.closed()) {
          // SIGTERM while the agent still waited for its API server: a stop, not a failure.
          LOG.infof("kuark-agent stopped before it was ready: %s", e.getMessage());
          return 0;
        }
        if (e instanceof io.kuark.agent.join.JoinException) {
          // A refused join is the user's to fix (wrong token or server): say why, no stack trace.
          System.err.println("kuark-agent: cannot join the cluster: " + e.getMessage());
          LOG.debug("join failed", e);
          return 1;
        }
        LOG.errorf(e, "kuark-agent failed to start");
        return 1;
      }
      System.out.println("kuark-agent ready");
      System.out.flush();
      Quarkus.waitForExit();
    } finally {
      lifecycle.stop();
    }
    return 0;
  }
}
