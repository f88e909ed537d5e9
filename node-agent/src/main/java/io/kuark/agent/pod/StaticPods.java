package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.PeriodicLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The static pod source: runs the pods of the manifests directory ({@code --pod-manifest-path})
 * without the API, and mirrors each into the API. The directory is re-read every second (cheap:
 * files are only parsed again when their size or modification time changes); a new or changed file
 * starts its pod (a changed one replaces the old pod), a removed file stops it.
 */
public final class StaticPods implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StaticPods.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final StaticPodFiles files;
  private final MirrorPods mirrors;
  private final PodManager pods;
  private PeriodicLoop loop;

  public StaticPods(Path manifestDir, String nodeName, PodManager pods, KubernetesClient client) {
    this.files = new StaticPodFiles(manifestDir, nodeName);
    this.mirrors = new MirrorPods(client, nodeName);
    this.pods = pods;
  }

  /**
   * Hands the pods of the directory to the pod manager. Call before {@link PodManager#start()} so
   * that re-adopted static pods are not taken for pods deleted while the agent was down.
   */
  public void load() {
    refresh(false);
  }

  /** Starts the background loop (directory and mirror pods), after the pod manager started. */
  public void start() {
    loop = PeriodicLoop.start("static-pods", CHECK_EVERY, () -> refresh(true));
  }

  private void refresh(boolean withMirrors) {
    Map<String, Pod> current;
    try {
      current = files.read();
    } catch (IOException e) {
      LOG.warnf("reading static pod manifests: %s", e.getMessage());
      return;
    }
    pods.syncStatic(current);
    if (withMirrors) {
      try {
        List<String> created = mirrors.reconcile(current.values(), pods.boundPods());
        for (String uid : created) {
          pods.republishStatus(uid);
        }
      } catch (RuntimeException e) {
        LOG.warnf("mirror pods: %s", e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
