package io.kuark.agent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.linux.LinuxFfiHostKernel;
import io.kuark.agent.pod.ContainerStarter;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.runtime.runc.OciSpecBuilder;
import io.kuark.agent.runtime.runc.RuncRuntime;
import io.kuark.linux.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Real runc on this host for a test: a temp dir with an image store and a runtime in it, and a
 * cgroup parent of the test's own. {@link #close} stops and removes every container the runtime
 * knows (unmounting its rootfs), deletes the cgroup parent in every hierarchy and the temp dir.
 */
public final class RuncHost implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path dir;
  public final HostKernel kernel;
  public final ImageStore store;
  public final RuncRuntime runtime;
  public final String cgroupParent;

  public RuncHost(String prefix) throws IOException {
    dir = Files.createTempDirectory(prefix);
    cgroupParent = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    kernel = new LinuxFfiHostKernel(Linux.get(), cidr -> {});
    store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    runtime =
        new RuncRuntime(
            "runc",
            dir.resolve("runc"),
            dir.resolve("containers"),
            new LogCopiers(Clock.systemUTC()));
  }

  /** Runs {@code args} as root, without a network namespace of its own, in cgroup parent/id. */
  public ContainerLaunch launch(
      String id,
      List<String> args,
      List<String> env,
      String cwd,
      String hostname,
      ContainerLaunch.Resources resources) {
    return new ContainerLaunch(
        args,
        env,
        cwd,
        0,
        0,
        List.of(),
        hostname,
        null,
        false,
        false,
        false,
        List.of(),
        "/" + cgroupParent + "/" + id,
        resources,
        false);
  }

  /**
   * Container {@code id}'s bundle as the container starter makes it: {@code image}'s layers mounted
   * as its rootfs and the OCI spec of {@code launch}.
   */
  public Path bundle(String id, ImageRecord image, ContainerLaunch launch) throws IOException {
    Path bundle = runtime.bundle(id);
    Files.createDirectories(bundle);
    kernel.mountOverlay(
        store.layerDirsTopFirst(image),
        bundle.resolve("upper"),
        bundle.resolve("work"),
        bundle.resolve("rootfs"));
    JSON.writeValue(
        bundle.resolve("config.json").toFile(), new OciSpecBuilder().build(launch, "rootfs"));
    return bundle;
  }

  /**
   * Starts container {@code id} of the pod {@code meta} describes, from {@code image} with {@code
   * command} (PATH=/bin, workdir /, hostname p, no limits), as the container starter does: bundle,
   * its {@code kuark.json} and runc; its output goes to {@code log}.
   */
  public void start(
      String id,
      ImageRecord image,
      List<String> command,
      ContainerStarter.BundleMeta meta,
      Path log)
      throws IOException {
    Path bundle =
        bundle(
            id,
            image,
            launch(id, command, List.of("PATH=/bin"), "/", "p", ContainerLaunch.Resources.NONE));
    JSON.writeValue(bundle.resolve("kuark.json").toFile(), meta);
    runtime.start(id, bundle, log);
  }

  @Override
  public void close() throws IOException {
    for (String id : runtime.list()) {
      runtime.stop(id, Duration.ZERO);
      Path rootfs = runtime.bundle(id).resolve("rootfs");
      if (kernel.isMounted(rootfs)) {
        kernel.unmount(rootfs);
      }
      runtime.remove(id);
    }
    for (String controller :
        new String[] {
          "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset", "systemd",
          "unified"
        }) {
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent));
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
