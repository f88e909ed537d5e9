package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.agent.eviction.Candidate;
import io.kuark.agent.eviction.PodEvictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pod side of node-pressure eviction: which pods may be evicted and what each uses (memory and
 * tasks of the pod cgroup, bytes of its logs, pod directory and containers' writable layers), and
 * evicting one through its worker. Static pods are critical and never evicted, as upstream.
 */
public final class PodEvictions implements PodEvictor {

  private final PodManager pods;
  private final Path cgroupRoot;

  public PodEvictions(PodManager pods, Path cgroupRoot) {
    this.pods = pods;
    this.cgroupRoot = cgroupRoot;
  }

  @Override
  public List<Candidate> candidates() {
    List<Candidate> candidates = new ArrayList<>();
    for (PodWorker worker : pods.evictableWorkers()) {
      Pod pod = worker.pod();
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      candidates.add(
          new Candidate(pod, memory(worker.uid()), disk(worker), processes(worker.uid())));
    }
    return candidates;
  }

  @Override
  public void evict(Candidate candidate, String message) {
    for (PodWorker worker : pods.evictableWorkers()) {
      if (worker.uid().equals(candidate.pod().getMetadata().getUid())) {
        worker.evict(message);
        return;
      }
    }
  }

  private Path podCgroup(String controller, String uid) {
    return cgroupRoot
        .resolve(controller)
        .resolve(pods.deps().config().cgroupParent())
        .resolve("pod" + uid);
  }

  private long memory(String uid) {
    long v1 = number(podCgroup("memory", uid).resolve("memory.usage_in_bytes"));
    if (v1 >= 0) {
      return v1;
    }
    Path v2 = cgroupRoot.resolve(pods.deps().config().cgroupParent()).resolve("pod" + uid);
    return Math.max(0, number(v2.resolve("memory.current")));
  }

  private long processes(String uid) {
    long v1 = number(podCgroup("pids", uid).resolve("pids.current"));
    if (v1 >= 0) {
      return v1;
    }
    Path v2 = cgroupRoot.resolve(pods.deps().config().cgroupParent()).resolve("pod" + uid);
    return Math.max(0, number(v2.resolve("pids.current")));
  }

  private long disk(PodWorker worker) {
    PodManager.Deps deps = pods.deps();
    long total = size(deps.starter().podDir(worker.uid()));
    Pod pod = worker.pod();
    total +=
        size(
            deps.config()
                .podLogDir()
                .resolve(
                    pod.getMetadata().getNamespace()
                        + "_"
                        + pod.getMetadata().getName()
                        + "_"
                        + worker.uid()));
    for (String id : worker.containerIds()) {
      total += size(deps.runtime().bundle(id).resolve("upper"));
    }
    return total;
  }

  private static long number(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Bytes of regular files under {@code dir} (not following links or mounts' contents twice). */
  static long size(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long[] total = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(
          p -> {
            try {
              if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                total[0] += Files.size(p);
              }
            } catch (IOException e) {
              // vanished while walking
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      // partly measured is good enough for ranking
    }
    return total[0];
  }
}
