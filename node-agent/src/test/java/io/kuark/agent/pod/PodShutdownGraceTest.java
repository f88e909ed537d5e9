package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.AgentFlags;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.network.CniResult;
import io.kuark.agent.network.NetworkPlugin;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent stopping without --keep-pods stops each pod within the pod's own grace period, on a
 * fake runtime that records how long each container was given.
 */
class PodShutdownGraceTest {

  @TempDir Path dir;

  /** Every container runs until stopped; stop records the grace period it was given. */
  private static final class RecordingRuntime implements ContainerRuntime {
    final Path bundles;
    final Map<String, Duration> stopped = new ConcurrentHashMap<>();

    RecordingRuntime(Path bundles) {
      this.bundles = bundles;
    }

    @Override
    public Path bundle(String id) {
      return bundles.resolve(id);
    }

    @Override
    public String version() {
      return "fake://1";
    }

    @Override
    public void start(String id, Path bundle, Path logFile) {
      throw new UnsupportedOperationException("the test's pods are re-adopted, not started");
    }

    @Override
    public ContainerStatus status(String id) {
      ContainerStatus.State state =
          stopped.containsKey(id) ? ContainerStatus.State.EXITED : ContainerStatus.State.RUNNING;
      return new ContainerStatus(state, 1, 0, null, null, false, null);
    }

    @Override
    public void stop(String id, Duration grace) {
      stopped.put(id, grace);
    }

    @Override
    public void remove(String id) {}

    @Override
    public List<String> list() {
      return List.of();
    }

    @Override
    public void reattach(String id, Path logFile) {}

    @Override
    public int exec(String id, List<String> command, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ExecProcess execInteractive(String id, List<String> command, boolean tty) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class NoKernel implements HostKernel {
    @Override
    public void createNetns(Path path) {}

    @Override
    public void deleteNetns(Path path) {}

    @Override
    public void mountOverlay(List<Path> lowerDirs, Path upperDir, Path workDir, Path target) {}

    @Override
    public void mountTmpfs(Path target, String options) {}

    @Override
    public void unmount(Path target) {}

    @Override
    public boolean isMounted(Path target) {
      return false;
    }

    @Override
    public void ensureBlackholeRoute(String cidr) {}

    @Override
    public void ensureLocalRoute(String cidr, String link) {}
  }

  private static final class NoNetwork implements NetworkPlugin {
    @Override
    public CniResult setUp(Sandbox sandbox) throws IOException {
      throw new IOException("the test's pods use the host network");
    }

    @Override
    public void tearDown(Sandbox sandbox, com.fasterxml.jackson.databind.JsonNode previous) {}
  }

  private static Pod pod(String uid, Long terminationGrace) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("pod-" + uid)
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(true)
        .withTerminationGracePeriodSeconds(terminationGrace)
        .addNewContainer()
        .withName("app")
        .withImage("demo")
        .endContainer()
        .endSpec()
        .build();
  }

  /** State of a pod already running container {@code id}, so its worker re-adopts it. */
  private static void running(AgentConfig config, Pod pod, String id) throws IOException {
    PodState state = new PodState();
    state.uid = pod.getMetadata().getUid();
    state.namespace = "ns";
    state.name = pod.getMetadata().getName();
    state.sandboxReady = true;
    state.podIps = List.of("127.0.0.1");
    state.startTimeMillis = 1;
    state.slot("app/app").id = id;
    state.save(config.agentDir().resolve("pods").resolve(state.uid).resolve("state.json"));
  }

  @Test
  void shutdownStopsEveryPodWithinItsOwnGracePeriod() throws Exception {
    AgentConfig config =
        AgentFlags.parse(
            "--kubeconfig",
            dir.resolve("unused").toString(),
            "--node-ip",
            "127.0.0.1",
            "--data-dir",
            dir.resolve("data").toString(),
            "--run-dir",
            dir.resolve("run").toString(),
            "--pod-log-dir",
            dir.resolve("logs").toString(),
            "--cgroup-parent",
            "kuark-shutdown-grace-test");
    RecordingRuntime runtime =
        new RecordingRuntime(Files.createDirectories(dir.resolve("bundles")));
    HostKernel kernel = new NoKernel();
    PodManager.Deps deps =
        new PodManager.Deps(
            config,
            kernel,
            runtime,
            new ContainerStarter(config, null, kernel, runtime, null),
            new PodSandbox(config, kernel, new NoNetwork()),
            new StatusWriter(null),
            EventRecorder.NONE,
            Clock.systemUTC());
    Pod slow = pod("uid-slow", 45L);
    Pod defaulted = pod("uid-default", null);
    running(config, slow, "c-slow");
    running(config, defaulted, "c-default");
    PodManager pods = new PodManager(deps, null);

    pods.syncStatic(Map.of("uid-slow", slow, "uid-default", defaulted));
    pods.shutdown(true);

    assertThat(runtime.stopped)
        .containsEntry("c-slow", Duration.ofSeconds(45))
        .containsEntry("c-default", Duration.ofSeconds(30));
  }

  @Test
  void aDeletionsGracePeriodWinsOverTheSpecs() {
    Pod deleting = pod("uid-deleting", 45L);
    deleting.getMetadata().setDeletionTimestamp("2026-11-27T22:00:00Z");
    deleting.getMetadata().setDeletionGracePeriodSeconds(5L);

    assertThat(PodWorker.gracePeriod(deleting)).isEqualTo(Duration.ofSeconds(5));
    assertThat(PodWorker.gracePeriod(pod("u", 0L))).isEqualTo(Duration.ZERO);
    assertThat(PodWorker.gracePeriod(null)).isEqualTo(Duration.ofSeconds(30));
  }
}
