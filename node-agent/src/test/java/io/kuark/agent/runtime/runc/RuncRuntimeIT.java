package io.kuark.agent.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.linux.LinuxFfiHostKernel;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.testing.DemoImage;
import io.kuark.linux.Linux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs real containers from the demo image with runc on an overlay rootfs. */
class RuncRuntimeIT {

  private Path dir;
  private HostKernel kernel;
  private ImageStore store;
  private RuncRuntime runtime;
  private ImageRecord image;
  private final String cgroupParent = "kuark-it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-runc-it");
    kernel = new LinuxFfiHostKernel(Linux.get(), cidr -> {});
    store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    image =
        new ArchiveImporter(store, dir.resolve("tmp")).importArchive(DemoImage.archive()).get(0);
    runtime =
        new RuncRuntime(
            "runc",
            dir.resolve("runc"),
            dir.resolve("containers"),
            new LogCopiers(Clock.systemUTC()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String id : runtime == null ? List.<String>of() : runtime.list()) {
      runtime.stop(id, Duration.ZERO);
      kernel.unmount(runtime.bundle(id).resolve("rootfs"));
      runtime.remove(id);
    }
    for (String controller :
        new String[] {
          "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset", "systemd",
          "unified"
        }) {
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent));
    }
    RuncRuntime.deleteTree(dir);
  }

  private Path bundle(String id, List<String> args, ContainerLaunch.Resources resources)
      throws Exception {
    Path bundle = runtime.bundle(id);
    Files.createDirectories(bundle);
    kernel.mountOverlay(
        store.layerDirsTopFirst(image),
        bundle.resolve("upper"),
        bundle.resolve("work"),
        bundle.resolve("rootfs"));
    ContainerLaunch launch =
        new ContainerLaunch(
            args,
            List.of("PATH=/bin", "GREETING=hi"),
            "/www",
            0,
            0,
            "demo-pod",
            null,
            false,
            false,
            false,
            List.of(),
            "/" + cgroupParent + "/" + id,
            resources,
            false);
    new ObjectMapper()
        .writeValue(
            bundle.resolve("config.json").toFile(), new OciSpecBuilder().build(launch, "rootfs"));
    return bundle;
  }

  @Test
  void runsToCompletionWithExitCodeAndCriLogs() throws Exception {
    Path bundle =
        bundle(
            "c1",
            List.of("sh", "-c", "echo $GREETING from $(hostname) in $(pwd); echo oops >&2; exit 3"),
            ContainerLaunch.Resources.NONE);
    Path log = dir.resolve("logs/c1/0.log");
    runtime.start("c1", bundle, log);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c1").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = runtime.status("c1");
    assertThat(status.exitCode()).isEqualTo(3);
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
    runtime.start("c2", bundle, dir.resolve("logs/c2/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c2").state() == ContainerStatus.State.RUNNING);
    assertThat(runtime.status("c2").pid()).isPositive();
    assertThat(
            Files.readString(
                    Path.of("/sys/fs/cgroup/memory", cgroupParent, "c2", "memory.limit_in_bytes"))
                .trim())
        .isEqualTo(String.valueOf(64L << 20));
    assertThat(
            Files.readString(Path.of("/sys/fs/cgroup/cpu", cgroupParent, "c2", "cpu.cfs_quota_us"))
                .trim())
        .isEqualTo("50000");

    runtime.stop("c2", Duration.ofSeconds(5));
    ContainerStatus status = runtime.status("c2");
    assertThat(status.state()).isEqualTo(ContainerStatus.State.EXITED);
    // sleep as pid 1 ignores SIGTERM (no handler), so SIGKILL ends it: 128 + 9.
    assertThat(status.exitCode()).isEqualTo(137);
  }

  @Test
  void awaitStartedReturnsOnceTheContainerRunsOrHasFailedToStart() throws Exception {
    Path running = bundle("c7", List.of("sleep", "1000"), ContainerLaunch.Resources.NONE);
    runtime.start("c7", running, dir.resolve("logs/c7/0.log"));
    ContainerStatus status = runtime.awaitStarted("c7", Duration.ofSeconds(60));
    assertThat(status.state()).isEqualTo(ContainerStatus.State.RUNNING);
    assertThat(status.pid()).isPositive();
    assertThat(Path.of("/proc", Integer.toString(status.pid()))).exists();

    Path broken = bundle("c8", List.of("/no/such/binary"), ContainerLaunch.Resources.NONE);
    runtime.start("c8", broken, dir.resolve("logs/c8/0.log"));
    ContainerStatus failed = runtime.awaitStarted("c8", Duration.ofSeconds(60));
    assertThat(failed.state()).isEqualTo(ContainerStatus.State.EXITED);
    assertThat(failed.startFailed()).isTrue();

    // An unknown container is not waited for.
    assertThat(runtime.awaitStarted("nope", Duration.ofSeconds(60)).state())
        .isEqualTo(ContainerStatus.State.UNKNOWN);
  }

  @Test
  void reportsAStartFailure() throws Exception {
    Path bundle = bundle("c3", List.of("/no/such/binary"), ContainerLaunch.Resources.NONE);
    runtime.start("c3", bundle, dir.resolve("logs/c3/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c3").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = runtime.status("c3");
    assertThat(status.exitCode()).isNotZero();
    assertThat(status.startFailed()).isTrue();
    assertThat(status.message()).contains("/no/such/binary");
  }

  @Test
  void aContainerAllocatingBeyondItsMemoryLimitIsReportedOomKilled() throws Exception {
    // dd's 64 MiB block buffer does not fit a 16 MiB limit: the kernel OOM killer ends it.
    Path bundle =
        bundle(
            "c4",
            List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"),
            new ContainerLaunch.Resources(16L << 20, null, null, null));
    runtime.start("c4", bundle, dir.resolve("logs/c4/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c4").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = runtime.status("c4");
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
    runtime.start("c5", bundle, dir.resolve("logs/c5/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Files.exists(Path.of("/sys/fs/cgroup/memory", cgroupParent, "c5"))
                    && OomCounter.read(
                            Path.of(
                                "/sys/fs/cgroup/memory", cgroupParent, "c5", "memory.oom_control"))
                        > 0);
    ContainerStatus running = runtime.status("c5");
    assertThat(running.state()).isEqualTo(ContainerStatus.State.RUNNING);
    assertThat(running.oomKilled()).isTrue();
    runtime.stop("c5", Duration.ZERO);
    assertThat(runtime.status("c5").oomKilled()).isTrue();
  }

  @Test
  void aContainerKilledWithoutMemoryTroubleIsNotOomKilled() throws Exception {
    Path bundle =
        bundle(
            "c6",
            // pid 1 cannot SIGKILL itself; a child can, and the shell passes the 137 on.
            List.of("sh", "-c", "sh -c 'kill -9 $$'; exit $?"),
            new ContainerLaunch.Resources(16L << 20, null, null, null));
    runtime.start("c6", bundle, dir.resolve("logs/c6/0.log"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c6").state() == ContainerStatus.State.EXITED);
    ContainerStatus status = runtime.status("c6");
    assertThat(status.exitCode()).isEqualTo(137);
    assertThat(status.oomKilled()).isFalse();
  }
}
