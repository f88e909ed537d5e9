package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.pod.gc.ContainerGarbageCollector;
import io.kuark.agent.pod.gc.ContainerGcPolicy;
import io.kuark.agent.pod.gc.DeadContainer;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Kuark keeps of dead containers (attempt log files, runtime bundles) as container GC sees it,
 * on a temporary pod log directory and a fake runtime whose bundles are plain directories.
 */
class PodDeadContainersTest {

  private static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");

  @TempDir Path dir;
  private Path logs;
  private FakeRuntime runtime;
  private final Set<String> live = new HashSet<>();
  private final Map<String, PodGcView> views = new HashMap<>();
  private final List<String> destroyed = new ArrayList<>();
  private PodDeadContainers containers;

  /** Bundles are directories; a container's state is whatever the test set. */
  private static final class FakeRuntime implements ContainerRuntime {
    final Path bundles;
    final Map<String, ContainerStatus.State> states = new HashMap<>();

    FakeRuntime(Path bundles) {
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
      throw new UnsupportedOperationException();
    }

    @Override
    public ContainerStatus status(String id) {
      return new ContainerStatus(
          states.getOrDefault(id, ContainerStatus.State.UNKNOWN), 0, 0, null, null, false, null);
    }

    @Override
    public void stop(String id, Duration grace) {}

    @Override
    public void remove(String id) throws IOException {
      PodWorker.deleteTree(bundle(id));
    }

    @Override
    public List<String> list() throws IOException {
      try (var list = Files.list(bundles)) {
        return list.map(p -> p.getFileName().toString()).sorted().toList();
      }
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

  @BeforeEach
  void setUp() throws IOException {
    logs = dir.resolve("logs");
    Files.createDirectories(logs);
    runtime = new FakeRuntime(Files.createDirectories(dir.resolve("containers")));
    containers =
        new PodDeadContainers(
            logs,
            runtime,
            id -> {
              destroyed.add(id);
              try {
                runtime.remove(id);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            },
            new LivePods() {
              @Override
              public Set<String> uids() {
                return Set.copyOf(live);
              }

              @Override
              public PodGcView view(String uid) {
                return views.get(uid);
              }

              @Override
              public boolean tracks(String uid, String id) {
                PodGcView view = views.get(uid);
                return view != null && view.ids().contains(id);
              }
            });
  }

  private Path attemptLog(String pod, String container, String file, int minutesAgo)
      throws IOException {
    Path path = logs.resolve(pod).resolve(container).resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, "2026-11-27T15:00:00Z stdout F " + file + "\n");
    Files.setLastModifiedTime(path, FileTime.from(NOW.minus(Duration.ofMinutes(minutesAgo))));
    return path;
  }

  private void bundle(String id, String podUid, String slot, ContainerStatus.State state)
      throws IOException {
    Path bundle = Files.createDirectories(runtime.bundle(id).resolve("upper"));
    Files.writeString(bundle.resolve("big"), "x".repeat(1000));
    Files.writeString(
        runtime.bundle(id).resolve("kuark.json"),
        "{\"podUid\":\"" + podUid + "\",\"slot\":\"" + slot + "\"}");
    Files.setLastModifiedTime(runtime.bundle(id), FileTime.from(NOW.minusSeconds(90)));
    runtime.states.put(id, state);
  }

  private List<String> listed() throws IOException {
    return containers.list().stream().map(d -> d.describe() + " " + d.kind()).sorted().toList();
  }

  private ContainerGarbageCollector gc() {
    return new ContainerGarbageCollector(
        containers,
        ContainerGcPolicy.DEFAULTS,
        (about, type, reason, message) -> {
          throw new AssertionError(reason + ": " + message);
        },
        null,
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void attemptsBelowTheFirstLiveOneAreDeadAndGcKeepsTheNewestWithItsRotatedFiles()
      throws IOException {
    live.add("u1");
    // web runs attempt 3; setup (init) ended at attempt 0 and is not restarted.
    views.put("u1", new PodGcView(Map.of("web", 3, "setup", 1), Set.of("c-web", "c-setup")));
    Path a0 = attemptLog("ns_p_u1", "web", "0.log", 40);
    Path a0rotated = attemptLog("ns_p_u1", "web", "0.log.20261127-150000", 50);
    Path a1 = attemptLog("ns_p_u1", "web", "1.log", 30);
    Path a2 = attemptLog("ns_p_u1", "web", "2.log", 20);
    Path a2rotated = attemptLog("ns_p_u1", "web", "2.log.20261127-155000", 25);
    Path a3 = attemptLog("ns_p_u1", "web", "3.log", 0);
    Path setup = attemptLog("ns_p_u1", "setup", "0.log", 60);
    bundle("c-web", "u1", "app/web", ContainerStatus.State.RUNNING);
    bundle("c-setup", "u1", "init/setup", ContainerStatus.State.EXITED);

    assertThat(listed())
        .containsExactly(
            "u1/setup#0 REPLACED", "u1/web#0 REPLACED", "u1/web#1 REPLACED", "u1/web#2 REPLACED");

    ContainerGarbageCollector.Result result = gc().garbageCollect();

    assertThat(result.removed()).containsExactly("u1/web#0", "u1/web#1");
    assertThat(a0).doesNotExist();
    assertThat(a0rotated).doesNotExist();
    assertThat(a1).doesNotExist();
    assertThat(a2).exists();
    assertThat(a2rotated).exists();
    assertThat(a3).exists();
    assertThat(setup).exists();
    assertThat(runtime.list()).containsExactly("c-setup", "c-web");
    assertThat(destroyed).isEmpty();
  }

  @Test
  void whileARestartWaitsTheEndedAttemptIsTheOneKept() throws IOException {
    live.add("u1");
    // Attempt 2 ended and waits for its back-off: the first live attempt is 3.
    views.put("u1", new PodGcView(Map.of("web", 3), Set.of("c2")));
    Path a1 = attemptLog("ns_p_u1", "web", "1.log", 10);
    Path a2 = attemptLog("ns_p_u1", "web", "2.log", 5);
    bundle("c2", "u1", "app/web", ContainerStatus.State.EXITED);

    gc().garbageCollect();

    assertThat(a1).doesNotExist();
    assertThat(a2).exists();
    assertThat(runtime.list()).containsExactly("c2");
  }

  @Test
  void everythingOfADeletedPodGoesButARunningContainerStays() throws IOException {
    attemptLog("ns_gone_u9", "web", "0.log", 10);
    attemptLog("ns_gone_u9", "web", "1.log", 5);
    attemptLog("ns_gone_u9", "side", "0.log", 5);
    bundle("c-exited", "u9", "app/web", ContainerStatus.State.EXITED);
    bundle("c-running", "u9", "app/side", ContainerStatus.State.RUNNING);

    assertThat(listed())
        .containsExactly(
            "runc://c-exited OF_DELETED_POD",
            "u9/side#0 OF_DELETED_POD",
            "u9/web#0 OF_DELETED_POD",
            "u9/web#1 OF_DELETED_POD");

    ContainerGarbageCollector.Result result = gc().garbageCollect();

    assertThat(logs.resolve("ns_gone_u9")).doesNotExist();
    assertThat(destroyed).containsExactly("c-exited");
    assertThat(runtime.list()).containsExactly("c-running");
    assertThat(result.bytesFreed()).isGreaterThan(1000);
  }

  @Test
  void runtimeStateItsLivePodNoLongerTracksIsRemovedUnlessItRuns() throws IOException {
    live.add("u1");
    views.put("u1", new PodGcView(Map.of("web", 1), Set.of("c-current")));
    bundle("c-current", "u1", "app/web", ContainerStatus.State.RUNNING);
    bundle("c-leftover", "u1", "app/web", ContainerStatus.State.EXITED);
    bundle("c-stray-running", "u1", "app/web", ContainerStatus.State.RUNNING);
    // A bundle being created has no metadata yet: never touched.
    Files.createDirectories(runtime.bundle("c-new"));

    assertThat(listed()).containsExactly("runc://c-leftover UNTRACKED");
    gc().garbageCollect();
    assertThat(runtime.list()).containsExactly("c-current", "c-new", "c-stray-running");
  }

  @Test
  void aPodWithoutAWorkerYetOrAnUnknownContainerNameHasNothingDead() throws IOException {
    live.add("u1");
    live.add("u2");
    views.put("u2", new PodGcView(Map.of("web", 5), Set.of()));
    attemptLog("ns_new_u1", "web", "0.log", 10);
    attemptLog("ns_other_u2", "unknown", "0.log", 10);

    assertThat(containers.list()).isEmpty();
  }

  @Test
  void aRemovalThatLeavesTheBundleBehindFails() throws IOException {
    bundle("c-stuck", "u9", "app/web", ContainerStatus.State.EXITED);
    PodDeadContainers stuck =
        new PodDeadContainers(
            logs,
            runtime,
            id -> {},
            new LivePods() {
              @Override
              public Set<String> uids() {
                return Set.of();
              }

              @Override
              public PodGcView view(String uid) {
                return null;
              }

              @Override
              public boolean tracks(String uid, String id) {
                return false;
              }
            });
    DeadContainer dead = stuck.list().get(0);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stuck.remove(dead))
        .hasMessageContaining("runtime state of container c-stuck could not be removed");
  }

  @Test
  void theWorkersSnapshotNamesTheFirstLiveAttemptOfEachSlot() {
    PodState state = new PodState();
    PodState.Slot running = state.slot("app/web");
    running.id = "c5";
    running.restartCount = 5;
    PodState.Slot ended = state.slot("init/setup");
    ended.id = "c0";
    ended.restartCount = 0;
    ended.ended = new PodState.Ended();
    ended.ended.id = "c0";
    PodState.Slot waiting = state.slot("app/side");
    waiting.restartCount = 2;
    waiting.last = new PodState.Ended();
    waiting.last.id = "gone";

    PodGcView view = PodGcView.of(state);

    assertThat(view.firstLiveAttempt()).isEqualTo(Map.of("web", 5, "setup", 1, "side", 2));
    assertThat(view.ids()).containsExactlyInAnyOrder("c5", "c0");
  }
}
