package io.kuark.agent.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.testing.DemoImage;
import io.kuark.agent.testing.RuncHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs real containers from the demo image with runc on an overlay rootfs. */
class RuncRuntimeIT {

  private RuncHost host;
  private ImageRecord image;

  @BeforeEach
  void setUp() throws Exception {
    host = new RuncHost("kuark-it");
    image =
        new ArchiveImporter(host.store, host.dir.resolve("tmp"))
            .importArchive(DemoImage.archive())
            .get(0);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  private Path bundle(String id, List<String> args, ContainerLaunch.Resources resources)
      throws Exception {
    return host.bundle(
        id,
        image,
        host.launch(id, args, List.of("PATH=/bin", "GREETING=hi"), "/www", "demo-pod", resources));
  }

  @Test
  void runsToCompletionWithExitCodeAndCriLogs() throws Exception {
    Path bundle =
        bundle(
            "c1",
            List.of("sh", "-c", "echo $GREETING from $(hostname) in $(pwd); echo oops >&2; exit 3"),
            ContainerLaunch.Resources.NONE);
    Path log = host.dir.resolve("logs/c1/0.log");
    java.time.Instant launched = java.time.Instant.now();
    host.runtime.start("c1", bundle, log);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c1").state() == ContainerStatus.State.EXITED);
    java.time.Instant seen = java.time.Instant.now();
    ContainerStatus status = host.runtime.status("c1");
    assertThat(status.exitCode()).isEqualTo(3);
    // The exit file's time (the kernel's coarse clock, up to a tick behind the JVM's).
    assertThat(status.finishedAt())
        .isAfterOrEqualTo(status.startedAt())
        .isBetween(launched.minusMillis(10), seen);
    assertThat(status.startFailed()).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2);
    List<String> lines = Files.readAllLines(log);
    assertThat(lines)
        .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z stdout F hi from demo-pod in /www"));
    assertThat(lines).anyMatch(l -> l.matches("\\S+ stderr F oops"));
  }

  @Test
  void stopsARunningContainerWithSigtermThenReportsIt() throws Exception {
    Path bundle =
        bundle(
            "c2",
            List.of("sleep", "1000"),
            new ContainerLaunch.Resources(64L << 20, 512L, 50000L, 100000L));
    host.runtime.start("c2", bundle, host.dir.resolve("logs/c2/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c2").state() == ContainerStatus.State.RUNNING);
    assertThat(host.runtime.status("c2").pid()).isPositive();
    assertThat(
            Files.readString(
                    Path.of(
                        "/sys/fs/cgroup/memory", host.cgroupParent, "c2", "memory.limit_in_bytes"))
                .trim())
        .isEqualTo(String.valueOf(64L << 20));
    assertThat(
            Files.readString(
                    Path.of("/sys/fs/cgroup/cpu", host.cgroupParent, "c2", "cpu.cfs_quota_us"))
                .trim())
        .isEqualTo("50000");

    host.runtime.stop("c2", Duration.ofSeconds(5));
    ContainerStatus status = host.runtime.status("c2");
    assertThat(status.state()).isEqualTo(ContainerStatus.State.EXITED);
    // sleep as pid 1 ignores SIGTERM (no handler), so SIGKILL ends it: 128 + 9.
    assertThat(status.exitCode()).isEqualTo(137);
  }

  @Test
  void awaitStartedReturnsOnceTheContainerRunsOrHasFailedToStart() throws Exception {
    Path running = bundle("c7", List.of("sleep", "1000"), ContainerLaunch.Resources.NONE);
    host.runtime.start("c7", running, host.dir.resolve("logs/c7/0.log"));
    ContainerStatus status = host.runtime.awaitStarted("c7", Duration.ofSeconds(60));
    assertThat(status.state()).isEqualTo(ContainerStatus.State.RUNNING);
    assertThat(status.pid()).isPositive();
    assertThat(Path.of("/proc", Integer.toString(status.pid()))).exists();

    Path broken = bundle("c8", List.of("/no/such/binary"), ContainerLaunch.Resources.NONE);
    host.runtime.start("c8", broken, host.dir.resolve("logs/c8/0.log"));
    ContainerStatus failed = host.runtime.awaitStarted("c8", Duration.ofSeconds(60));
    assertThat(failed.state()).isEqualTo(ContainerStatus.State.EXITED);
    assertThat(failed.startFailed()).isTrue();

    // An unknown container is not waited for.
    assertThat(host.runtime.awaitStarted("nope", Duration.ofSeconds(60)).state())
        .isEqualTo(ContainerStatus.State.UNKNOWN);
  }

  @Test
  void reportsAStartFailure() throws Exception {
    Path bundle = bundle("c3", List.of("/no/such/binary"), ContainerLaunch.Resources.NONE);
    host.runtime.start("c3", bundle, host.dir.resolve("logs/c3/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c3").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = host.runtime.status("c3");
    assertThat(status.exitCode()).isNotZero();
    assertThat(status.startFailed()).isTrue();
    assertThat(status.message()).contains("/no/such/binary");
  }

  @Test
  void aContainerAllocatingBeyondItsMemoryLimitIsReportedOomKilled() throws Exception {
    // dd's 64 MiB block buffer does not fit a 16 MiB limit: the host.kernel OOM killer ends it.
    Path bundle =
        bundle(
            "c4",
            List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"),
            new ContainerLaunch.Resources(16L << 20, null, null, null));
    host.runtime.start("c4", bundle, host.dir.resolve("logs/c4/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c4").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = host.runtime.status("c4");
    assertThat(status.exitCode()).isEqualTo(137);
    assertThat(status.oomKilled()).isTrue();
  }

  @Test
  void aChildKilledForMemoryWhileTheContainerRunsIsSeenInTheCgroupCounter() throws Exception {
    // The shell survives its child's OOM kill and keeps running: the running container's cgroup
    // counter is what reports it.
    Path bundle =
        bundle(
            "c5",
            List.of("sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000"),
            new ContainerLaunch.Resources(16L << 20, null, null, null));
    host.runtime.start("c5", bundle, host.dir.resolve("logs/c5/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Files.exists(Path.of("/sys/fs/cgroup/memory", host.cgroupParent, "c5"))
                    && OomCounter.read(
                            Path.of(
                                "/sys/fs/cgroup/memory",
                                host.cgroupParent,
                                "c5",
                                "memory.oom_control"))
                        > 0);
    ContainerStatus running = host.runtime.status("c5");
    assertThat(running.state()).isEqualTo(ContainerStatus.State.RUNNING);
    assertThat(running.oomKilled()).isTrue();
    host.runtime.stop("c5", Duration.ZERO);
    assertThat(host.runtime.status("c5").oomKilled()).isTrue();
  }

  @Test
  void aContainerKilledWithoutMemoryTroubleIsNotOomKilled() throws Exception {
    Path bundle =
        bundle(
            "c6",
            // pid 1 cannot SIGKILL itself; a child can, and the shell passes the 137 on.
            List.of("sh", "-c", "sh -c 'kill -9 $$'; exit $?"),
            new ContainerLaunch.Resources(16L << 20, null, null, null));
    host.runtime.start("c6", bundle, host.dir.resolve("logs/c6/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c6").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = host.runtime.status("c6");
    assertThat(status.exitCode()).isEqualTo(137);
    assertThat(status.oomKilled()).isFalse();
  }
}
