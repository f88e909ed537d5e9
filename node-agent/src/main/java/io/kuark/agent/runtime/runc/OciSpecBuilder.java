package io.kuark.agent.runtime.runc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerLaunch.BindMount;
import io.kuark.agent.runtime.ContainerLaunch.Resources;
import java.util.List;

/**
 * Generates an OCI runtime spec ({@code config.json}) for runc from a {@link ContainerLaunch}.
 *
 * <p>Namespaces: the pod's network namespace is joined by path; pid, mount, ipc and uts are new per
 * container (no pause process holds pod-wide ipc/uts yet, so each container gets its own with the
 * pod's hostname). A terminal only for {@code tty: true}. {@code oomScoreAdj} is never set: the
 * process inherits the agent's, and a lower value needs CAP_SYS_RESOURCE which these hosts may
 * lack.
 */
public final class OciSpecBuilder {

  /** The capability set container runtimes grant by default (Docker's, which Kubernetes keeps). */
  static final List<String> DEFAULT_CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  private static final List<String> ALL_CAPABILITIES =
      List.of(
          "CAP_AUDIT_CONTROL",
          "CAP_AUDIT_READ",
          "CAP_AUDIT_WRITE",
          "CAP_BLOCK_SUSPEND",
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_KILL",
          "CAP_LEASE",
          "CAP_LINUX_IMMUTABLE",
          "CAP_MAC_ADMIN",
          "CAP_MAC_OVERRIDE",
          "CAP_MKNOD",
          "CAP_NET_ADMIN",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_SETUID",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_CHROOT",
          "CAP_SYS_MODULE",
          "CAP_SYS_NICE",
          "CAP_SYS_PACCT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM");

  private static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/sys/firmware",
          "/proc/scsi");

  private static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private final ObjectMapper json = new ObjectMapper();

  /** Builds the spec; {@code rootfs} is the path runc uses (relative to the bundle is fine). */
  public ObjectNode build(ContainerLaunch launch, String rootfs) {
    ObjectNode spec = json.createObjectNode();
    spec.put("ociVersion", "1.0.2");
    process(spec.putObject("process"), launch);
    ObjectNode root = spec.putObject("root");
    root.put("path", rootfs);
    root.put("readonly", launch.readOnlyRootfs());
    spec.put("hostname", launch.hostname());
    mounts(spec.putArray("mounts"), launch);
    linux(spec.putObject("linux"), launch);
    return spec;
  }

  private void process(ObjectNode process, ContainerLaunch launch) {
    process.put("terminal", launch.terminal());
    if (launch.terminal()) {
      // The size until a client resizes it (the shim gives runc's own terminal the same size, and
      // runc copies that onto the container's).
      ObjectNode size = process.putObject("consoleSize");
      size.put("height", RuncRuntime.TERMINAL_ROWS);
      size.put("width", RuncRuntime.TERMINAL_COLUMNS);
    }
    ObjectNode user = process.putObject("user");
    user.put("uid", launch.uid());
    user.put("gid", launch.gid());
    if (!launch.additionalGids().isEmpty()) {
      ArrayNode groups = user.putArray("additionalGids");
      launch.additionalGids().forEach(groups::add);
    }
    strings(process.putArray("args"), launch.args());
    strings(process.putArray("env"), launch.env());
    process.put("cwd", launch.cwd().isEmpty() ? "/" : launch.cwd());
    List<String> caps = launch.privileged() ? ALL_CAPABILITIES : DEFAULT_CAPABILITIES;
    ObjectNode capabilities = process.putObject("capabilities");
    for (String set : new String[] {"bounding", "effective", "permitted"}) {
      strings(capabilities.putArray(set), caps);
    }
    // Ambient and inheritable stay empty: a non-root process gets no capabilities, as upstream.
    // No rlimits: the container inherits the agent's; raising them needs CAP_SYS_RESOURCE.
    process.put("noNewPrivileges", false);
  }

  private void mounts(ArrayNode mounts, ContainerLaunch launch) {
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(
        mounts,
        "/dev",
        "tmpfs",
        "tmpfs",
        List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(
        mounts,
        "/dev/pts",
        "devpts",
        "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(
        mounts,
        "/dev/shm",
        "tmpfs",
        "shm",
        List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(
        mounts,
        "/sys",
        "sysfs",
        "sysfs",
        launch.privileged()
            ? List.of("nosuid", "noexec", "nodev")
            : List.of("nosuid", "noexec", "nodev", "ro"));
    mount(
        mounts,
        "/sys/fs/cgroup",
        "cgroup",
        "cgroup",
        List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    for (BindMount bind : launch.mounts()) {
      mount(
          mounts,
          bind.destination(),
          "bind",
          bind.source().toString(),
          bind.readOnly()
              ? List.of("rbind", "rprivate", "ro")
              : List.of("rbind", "rprivate", "rw"));
    }
  }

  private static void mount(
      ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode mount = mounts.addObject();
    mount.put("destination", destination);
    mount.put("type", type);
    mount.put("source", source);
    strings(mount.putArray("options"), options);
  }

  private void linux(ObjectNode linux, ContainerLaunch launch) {
    ArrayNode namespaces = linux.putArray("namespaces");
    namespaces.addObject().put("type", "pid");
    namespaces.addObject().put("type", "ipc");
    namespaces.addObject().put("type", "uts");
    namespaces.addObject().put("type", "mount");
    if (!launch.hostNetwork()) {
      ObjectNode network = namespaces.addObject();
      network.put("type", "network");
      if (launch.netnsPath() != null) {
        network.put("path", launch.netnsPath().toString());
      }
    }
    if (launch.cgroupsPath() != null) {
      linux.put("cgroupsPath", launch.cgroupsPath());
    }
    ObjectNode resources = linux.putObject("resources");
    ObjectNode deny = resources.putArray("devices").addObject();
    deny.put("allow", launch.privileged());
    deny.put("access", "rwm");
    Resources limits = launch.resources() == null ? Resources.NONE : launch.resources();
    if (limits.memoryLimitBytes() != null) {
      resources.putObject("memory").put("limit", limits.memoryLimitBytes());
    }
    if (limits.cpuShares() != null || limits.cpuQuotaMicros() != null) {
      ObjectNode cpu = resources.putObject("cpu");
      if (limits.cpuShares() != null) {
        cpu.put("shares", limits.cpuShares());
      }
      if (limits.cpuQuotaMicros() != null) {
        cpu.put("quota", limits.cpuQuotaMicros());
        cpu.put("period", limits.cpuPeriodMicros() == null ? 100000L : limits.cpuPeriodMicros());
      }
    }
    if (!launch.privileged()) {
      strings(linux.putArray("maskedPaths"), MASKED_PATHS);
      strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    for (String value : values) {
      array.add(value);
    }
  }
}
