package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.pod.gc.DeadContainer;
import io.kuark.agent.pod.gc.DeadContainers;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The node's dead containers as Kuark keeps them. A pod worker removes a container's runtime state
 * and rootfs as soon as a restart replaces it, so what stays of a dead instance is its CRI log
 * files ({@code <pod-log-dir>/<ns>_<pod>_<uid>/<container>/<attempt>.log[.<rotated>]}); the newest
 * ended container of a slot (its exit status, {@code kubectl logs}) keeps its runtime state while
 * the slot tracks it. Lists:
 *
 * <ul>
 *   <li>log files of attempts below the slot's first live attempt ({@link PodGcView}), for pods
 *       that exist;
 *   <li>everything of pods that no longer exist (log files, runtime state not running);
 *   <li>runtime state of an existing pod that its worker no longer tracks (a failed removal).
 * </ul>
 *
 * <p>What exists is read after the files are listed, so a pod or container created meanwhile is
 * never mistaken for a leftover.
 */
public final class PodDeadContainers implements DeadContainers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path podLogDir;
  private final ContainerRuntime runtime;
  private final Consumer<String> destroyer;
  private final LivePods pods;

  /**
   * @param destroyer removes a container completely (runtime state, rootfs mount, bundle)
   */
  PodDeadContainers(
      Path podLogDir, ContainerRuntime runtime, Consumer<String> destroyer, LivePods pods) {
    this.podLogDir = podLogDir;
    this.runtime = runtime;
    this.destroyer = destroyer;
    this.pods = pods;
  }

  /** Dead containers of the pods {@code manager} runs. */
  public static PodDeadContainers of(PodManager manager) {
    PodManager.Deps deps = manager.deps();
    return new PodDeadContainers(
        deps.config().podLogDir(), deps.runtime(), deps.starter()::destroy, manager.livePods());
  }

  @Override
  public List<DeadContainer> list() throws IOException {
    List<Path> podDirs = children(podLogDir);
    List<String> ids = runtime.list();
    Set<String> live = pods.uids();
    List<DeadContainer> dead = new ArrayList<>();
    for (Path podDir : podDirs) {
      String dirName = podDir.getFileName().toString();
      String uid = dirName.substring(dirName.lastIndexOf('_') + 1);
      boolean deleted = !live.contains(uid);
      PodGcView view = deleted ? null : pods.view(uid);
      if (!deleted && view == null) {
        continue; // no worker yet: nothing is known to be dead
      }
      for (Path containerDir : children(podDir)) {
        String name = containerDir.getFileName().toString();
        // Boxed on both sides: a container name the worker does not know must stay null.
        Integer firstLive =
            deleted ? Integer.valueOf(Integer.MAX_VALUE) : view.firstLiveAttempt().get(name);
        if (firstLive == null) {
          continue;
        }
        for (Map.Entry<Integer, Instant> attempt : attempts(containerDir).entrySet()) {
          if (attempt.getKey() < firstLive) {
            dead.add(
                DeadContainer.logs(
                    uid,
                    name,
                    attempt.getKey(),
                    attempt.getValue(),
                    deleted ? DeadContainer.Kind.OF_DELETED_POD : DeadContainer.Kind.REPLACED,
                    containerDir));
          }
        }
      }
    }
    for (String id : ids) {
      JsonNode meta = meta(id);
      if (meta == null) {
        continue; // being created, or an orphan the pod manager removes at start
      }
      String uid = meta.path("podUid").asText("");
      DeadContainer.Kind kind;
      if (!live.contains(uid)) {
        kind = DeadContainer.Kind.OF_DELETED_POD;
      } else if (!pods.tracks(uid, id)) {
        kind = DeadContainer.Kind.UNTRACKED;
      } else {
        continue;
      }
      if (running(id)) {
        continue; // never a running container; a deleted pod's are stopped by its worker
      }
      String slot = meta.path("slot").asText("");
      dead.add(
          DeadContainer.runtime(
              uid, slot.substring(slot.indexOf('/') + 1), finishedAt(id), kind, id));
    }
    return dead;
  }

  @Override
  public long remove(DeadContainer dead) throws IOException {
    if (dead.runtimeId() != null) {
      return removeRuntimeState(dead.runtimeId());
    }
    long freed = 0;
    String prefix = dead.attempt() + ".log";
    for (Path file : children(dead.logDir())) {
      String name = file.getFileName().toString();
      if (name.equals(prefix) || name.startsWith(prefix + ".")) {
        freed += size(file);
        Files.deleteIfExists(file);
      }
    }
    if (dead.kind() == DeadContainer.Kind.OF_DELETED_POD) {
      deleteIfEmpty(dead.logDir());
      deleteIfEmpty(dead.logDir().getParent());
    }
    return freed;
  }

  private long removeRuntimeState(String id) throws IOException {
    if (running(id)) {
      throw new IOException("container " + id + " runs again; not removed");
    }
    Path bundle = runtime.bundle(id);
    long freed = bundleSize(bundle);
    destroyer.accept(id);
    if (Files.exists(bundle)) {
      throw new IOException("runtime state of container " + id + " could not be removed");
    }
    return freed;
  }

  private boolean running(String id) {
    ContainerStatus.State state = runtime.status(id).state();
    return state == ContainerStatus.State.RUNNING || state == ContainerStatus.State.CREATING;
  }

  private JsonNode meta(String id) {
    try {
      return JSON.readTree(runtime.bundle(id).resolve("kuark.json").toFile());
    } catch (IOException e) {
      return null;
    }
  }

  private Instant finishedAt(String id) throws IOException {
    Path bundle = runtime.bundle(id);
    Path exit = bundle.resolve("exit");
    try {
      return Files.getLastModifiedTime(Files.exists(exit) ? exit : bundle).toInstant();
    } catch (NoSuchFileException e) {
      return Instant.EPOCH;
    }
  }

  /** Attempt number to its newest file's modification time, for {@code <n>.log[.*]} files. */
  private static Map<Integer, Instant> attempts(Path containerDir) throws IOException {
    Map<Integer, Instant> attempts = new TreeMap<>();
    for (Path file : children(containerDir)) {
      String name = file.getFileName().toString();
      int dot = name.indexOf(".log");
      if (dot <= 0 || !(name.length() == dot + 4 || name.charAt(dot + 4) == '.')) {
        continue;
      }
      int attempt;
      try {
        attempt = Integer.parseInt(name.substring(0, dot));
      } catch (NumberFormatException e) {
        continue;
      }
      Instant modified;
      try {
        modified = Files.getLastModifiedTime(file).toInstant();
      } catch (NoSuchFileException e) {
        continue;
      }
      attempts.merge(attempt, modified, (a, b) -> a.isAfter(b) ? a : b);
    }
    return attempts;
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return children;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    } catch (NoSuchFileException e) {
      // removed meanwhile
    }
    return children;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // not empty (another container's logs) or gone: either is fine
    }
  }

  /** The bundle's own files (writable layer, logs of runc), not the mounted rootfs. */
  private static long bundleSize(Path bundle) {
    long[] total = {0};
    try {
      Files.walkFileTree(
          bundle,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.equals(bundle.resolve("rootfs"))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              total[0] += attrs.size();
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // an estimate
    }
    return total[0];
  }
}
