package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.pod.gc.ContainerGarbageCollector;
import io.kuark.agent.pod.gc.ContainerGcPolicy;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.testing.DemoImage;
import io.kuark.agent.testing.RuncHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Container GC over real runc containers with overlay rootfs: the exited container of a deleted pod
 * and one its live pod no longer tracks lose their runc state, rootfs mount and bundle; the dead
 * instance the pod still tracks keeps all of it; of the attempt logs the newest dead one stays.
 */
class ContainerGcIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RuncHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new RuncHost("kuark-cgc-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  /** What {@link ContainerStarter#destroy} does: rootfs unmounted, then the runtime forgets it. */
  private void destroy(String id) {
    try {
      Path rootfs = host.runtime.bundle(id).resolve("rootfs");
      if (host.kernel.isMounted(rootfs)) {
        host.kernel.unmount(rootfs);
      }
      host.runtime.remove(id);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs container {@code id} of pod {@code podUid} to completion, as the starter sets it up. */
  private void runToExit(String id, String podUid, ImageRecord image) throws Exception {
    host.start(
        id,
        image,
        List.of("sh", "-c", "echo crashed >/left-behind; exit 1"),
        new ContainerStarter.BundleMeta(podUid, "default", "p", "app/web", image.configDigest()),
        host.dir.resolve("scratch/" + id + ".log"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> host.runtime.status(id).state() == ContainerStatus.State.EXITED);
  }

  private Path attemptLog(String podDir, int attempt) throws IOException {
    Path file = host.dir.resolve("logs").resolve(podDir).resolve("web").resolve(attempt + ".log");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "2026-11-27T16:00:00Z stdout F attempt " + attempt + "\n");
    return file;
  }

  @Test
  void deadContainersGoWithTheirRuncStateRootfsAndLogsAndTheNewestTrackedOneStays()
      throws Exception {
    ImageRecord demo =
        new ArchiveImporter(host.store, host.dir.resolve("tmp"))
            .importArchive(DemoImage.archive())
            .get(0);
    runToExit("c-gone", "u-gone", demo);
    runToExit("c-leftover", "u1", demo);
    runToExit("c-kept", "u1", demo);
    Path goneLog = attemptLog("default_gone_u-gone", 0);
    Path a0 = attemptLog("default_p_u1", 0);
    Path a1 = attemptLog("default_p_u1", 1);
    Path a2 = attemptLog("default_p_u1", 2);
    // Pod u1 exists: attempt 2 (c-kept) ended and waits for its restart; c-leftover is a replaced
    // container whose removal failed back then (the worker no longer tracks it).
    PodGcView u1 = new PodGcView(Map.of("web", 3), Set.of("c-kept"));
    PodDeadContainers containers =
        new PodDeadContainers(
            host.dir.resolve("logs"),
            host.runtime,
            this::destroy,
            new LivePods() {
              @Override
              public Set<String> uids() {
                return Set.of("u1");
              }

              @Override
              public PodGcView view(String uid) {
                return uid.equals("u1") ? u1 : null;
              }

              @Override
              public boolean tracks(String uid, String id) {
                return uid.equals("u1") && u1.ids().contains(id);
              }
            });
    ContainerGarbageCollector gc =
        new ContainerGarbageCollector(
            containers,
            ContainerGcPolicy.DEFAULTS,
            (about, type, reason, message) -> {
              throw new AssertionError(reason + ": " + message);
            },
            null,
            Clock.systemUTC());

    ContainerGarbageCollector.Result result = gc.garbageCollect();

    assertThat(result.failures()).isEmpty();
    assertThat(result.removed())
        .containsExactlyInAnyOrder(
            "runc://c-gone", "runc://c-leftover", "u-gone/web#0", "u1/web#0", "u1/web#1");
    for (String id : List.of("c-gone", "c-leftover")) {
      assertThat(host.runtime.status(id).state()).isEqualTo(ContainerStatus.State.UNKNOWN);
      assertThat(host.runtime.bundle(id)).doesNotExist();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
          .doesNotContain(host.runtime.bundle(id).toString());
    }
    assertThat(host.runtime.list()).containsExactly("c-kept");
    assertThat(host.runtime.status("c-kept").exitCode()).isEqualTo(1);
    assertThat(host.runtime.bundle("c-kept").resolve("rootfs/left-behind")).hasContent("crashed\n");
    assertThat(goneLog.getParent().getParent()).doesNotExist();
    assertThat(a0).doesNotExist();
    assertThat(a1).doesNotExist();
    assertThat(a2).exists();
    // Nothing more to collect.
    assertThat(gc.garbageCollect().removed()).isEmpty();
  }
}
