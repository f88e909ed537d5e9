package io.kuark.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts Kuark programs (through the {@code kuark} launcher) and their helpers (etcd) as real
 * processes, each in a private temporary directory with free ports, and takes everything down again
 * in {@link #close()}: agents first, then servers, then etcd; then it checks that nothing is left
 * behind (mounts, processes rooted in the temp dir), cleans up what is and reports it as a failure,
 * and removes the temporary directory.
 *
 * <p>Logs are kept under {@code e2e/target/e2e-logs/<name>/}, so a failed run can be read after the
 * temporary data is gone.
 */
final class KuarkProcesses implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  private final RepoLayout repo = RepoLayout.current();
  private final Path baseDir;
  private final Path logDir;
  private final List<ManagedProcess> agents = new ArrayList<>();
  private final List<ManagedProcess> servers = new ArrayList<>();
  private final List<ManagedProcess> helpers = new ArrayList<>();
  private final List<String> cgroupParents = new ArrayList<>();
  private final List<String> proxyTables = new ArrayList<>();
  private final Thread shutdownHook;
  private boolean closed;

  /** A harness for one test class; {@code name} names its log directory. */
  KuarkProcesses(String name) {
    try {
      baseDir = Files.createTempDirectory("kuark-e2e-").toRealPath();
      logDir = repo.root().resolve("e2e/target/e2e-logs").resolve(name);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A test JVM killed by a timeout must not leave servers behind either.
    shutdownHook = new Thread(this::stopQuietly, "kuark-e2e-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  RepoLayout repo() {
    return repo;
  }

  /** The private temporary directory all instances of this harness live in. */
  Path baseDir() {
    return baseDir;
  }

  /** A new empty directory under {@link #baseDir()}. */
  Path newDir(String name) {
    try {
      return Files.createDirectories(baseDir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running kuark-server: its API port, admin kubeconfig and data directory. */
  record Server(ManagedProcess process, int port, Path kubeconfig, Path dataDir) {
    String url() {
      return "https://127.0.0.1:" + port;
    }
  }

  /** A running kuark-agent and the directories (and cgroup parent) it was told to use. */
  record Agent(
      ManagedProcess process,
      String nodeName,
      Path dataDir,
      Path runDir,
      Path podLogDir,
      String cgroupParent,
      List<String> command) {}

  /**
   * Starts {@code kuark server} on loopback with a free port and its kubeconfig in the temp dir,
   * plus {@code extraFlags}, and waits for {@code kuark-server ready}.
   */
  Server startServer(List<String> extraFlags) throws InterruptedException {
    return startServer(repo.launcher(), extraFlags);
  }

  /** As {@link #startServer(List)} through another launcher (e.g. an installed one). */
  Server startServer(Path launcher, List<String> extraFlags) throws InterruptedException {
    int index = servers.size();
    Path dataDir = newDir("server-" + index);
    Path kubeconfig = dataDir.resolve("kubeconfig.yaml");
    int port = FreePorts.next();
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.add("server");
    Collections.addAll(
        command,
        "--data-dir",
        dataDir.toString(),
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        Integer.toString(port),
        "--write-kubeconfig",
        kubeconfig.toString());
    command.addAll(extraFlags);
    ManagedProcess process = start("server-" + index, command, servers);
    process.awaitLine("kuark-server ready", START_TIMEOUT);
    return new Server(process, port, kubeconfig, dataDir);
  }

  /** Options of an agent started by a test; paths default to fresh dirs under the temp dir. */
  record AgentOptions(String nodeIp, String clusterCidr, String serviceCidr, Path dataDir) {}

  /**
   * Starts {@code kuark agent} with the server's admin kubeconfig, every path in the temp dir
   * (data, run, pod logs, CNI config) and a free agent port; waits for {@code kuark-agent ready}.
   * Put image archives into {@code dataDir/agent/images/} before calling this.
   */
  Agent startAgent(Server server, AgentOptions options) throws InterruptedException {
    return startAgent(server, options, List.of());
  }

  /** Like {@link #startAgent(Server, AgentOptions)} with more agent flags appended. */
  Agent startAgent(Server server, AgentOptions options, List<String> extraArgs)
      throws InterruptedException {
    int index = agents.size();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String nodeName = "e2e-node-" + id;
    // Pod cgroups under a parent of this test only, removed again in close().
    String cgroupParent = "kuark-e2e-" + id;
    cgroupParents.add(cgroupParent);
    proxyTables.add("kuark-proxy-e2e-" + id);
    Path runDir = newDir("agent-" + index + "-run");
    Path podLogDir = newDir("agent-" + index + "-pod-logs");
    Path cniConfDir = newDir("agent-" + index + "-cni-net.d");
    List<String> command = new ArrayList<>();
    command.add(repo.launcher().toString());
    command.add("agent");
    if (!extraArgs.contains("--server")) {
      // Joining agents (--server/--token) get node credentials instead of the admin kubeconfig.
      Collections.addAll(command, "--kubeconfig", server.kubeconfig().toString());
    }
    Collections.addAll(
        command,
        "--node-name",
        nodeName,
        "--node-ip",
        options.nodeIp(),
        "--data-dir",
        options.dataDir().toString(),
        "--run-dir",
        runDir.toString(),
        "--pod-log-dir",
        podLogDir.toString(),
        "--cni-conf-dir",
        cniConfDir.toString(),
        "--port",
        Integer.toString(FreePorts.next()),
        "--cluster-cidr",
        options.clusterCidr(),
        "--service-cidr",
        options.serviceCidr(),
        "--cgroup-parent",
        cgroupParent,
        // A service proxy table of this test only, removed when the agent stops.
        "--proxy-table",
        "kuark-proxy-e2e-" + id,
        "--proxy-cleanup",
        // The cluster DNS at the 10th service address (as the server's kube-dns Service), on a
        // dummy link of this test only, removed when the agent stops.
        "--cluster-dns",
        tenthAddress(options.serviceCidr()),
        "--dns-link",
        "kd-" + id,
        "--dns-remove-link");
    // Later flags win, so a test's own flags override these defaults.
    command.addAll(extraArgs);
    ManagedProcess process = start("agent-" + index, command, agents);
    process.awaitLine("kuark-agent ready", START_TIMEOUT);
    return new Agent(
        process, nodeName, options.dataDir(), runDir, podLogDir, cgroupParent, command);
  }

  /**
   * Kills the agent's JVM with SIGKILL (no shutdown hooks: pods, netns and mounts stay, as after a
   * crash) and starts it again with the very same command line; waits for {@code kuark-agent
   * ready}.
   */
  Agent killAndRestartAgent(Agent agent) throws InterruptedException {
    ProcessHandle jvm = ProcessHandle.of(agent.process().pid()).orElseThrow();
    jvm.destroyForcibly();
    jvm.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    agents.remove(agent.process());
    ManagedProcess process = start(agent.process().name() + "-restarted", agent.command(), agents);
    process.awaitLine("kuark-agent ready", START_TIMEOUT);
    return new Agent(
        process,
        agent.nodeName(),
        agent.dataDir(),
        agent.runDir(),
        agent.podLogDir(),
        agent.cgroupParent(),
        agent.command());
  }

  /** The 10th address of an IPv4 CIDR (10.43.0.10 for 10.43.0.0/16). */
  static String tenthAddress(String cidr) {
    String[] octets = cidr.substring(0, cidr.indexOf('/')).split("\\.");
    long value = 0;
    for (String octet : octets) {
      value = value << 8 | Integer.parseInt(octet);
    }
    value += 10;
    return (value >> 24 & 255)
        + "."
        + (value >> 16 & 255)
        + "."
        + (value >> 8 & 255)
        + "."
        + (value & 255);
  }

  /**
   * Starts Debian's {@code docker-registry} on a free loopback port (plain HTTP, which the agent
   * uses for loopback registries) storing under the temp dir; returns its {@code host:port} once
   * {@code /v2/} answers.
   */
  String startRegistry() throws InterruptedException, IOException {
    int index = helpers.size();
    Path dir = newDir("registry-" + index);
    String host = "127.0.0.1:" + FreePorts.next();
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\nstorage: {filesystem: {rootdirectory: "
            + dir.resolve("data")
            + "}}\nhttp: {addr: "
            + host
            + "}\nlog: {level: info}\n");
    ManagedProcess process =
        start("registry-" + index, List.of("docker-registry", "serve", config.toString()), helpers);
    process.awaitLine("listening on", START_TIMEOUT);
    return host;
  }

  /** Starts Debian's etcd on free loopback ports; returns its client URL once it serves. */
  String startEtcd() throws InterruptedException {
    int index = helpers.size();
    Path dataDir = newDir("etcd-" + index);
    String clientUrl = "http://127.0.0.1:" + FreePorts.next();
    String peerUrl = "http://127.0.0.1:" + FreePorts.next();
    List<String> command =
        List.of(
            "etcd",
            "--name",
            "e2e",
            "--data-dir",
            dataDir.toString(),
            "--listen-client-urls",
            clientUrl,
            "--advertise-client-urls",
            clientUrl,
            "--listen-peer-urls",
            peerUrl,
            "--initial-advertise-peer-urls",
            peerUrl,
            "--initial-cluster",
            "e2e=" + peerUrl);
    ManagedProcess process = start("etcd-" + index, command, helpers);
    process.awaitLine("ready to serve client requests", START_TIMEOUT);
    return clientUrl;
  }

  /**
   * Starts {@code kuark ARGS} (e.g. {@code up …}) as a process stopped before any server, like an
   * agent. The caller waits for whatever line it needs.
   */
  ManagedProcess launch(String name, List<String> args) {
    return launch(name, repo.launcher(), args);
  }

  /** As {@link #launch(String, List)} through another launcher (e.g. a wrapper that sets a JDK). */
  ManagedProcess launch(String name, Path launcher, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(args);
    return start(name, command, agents);
  }

  private ManagedProcess start(String name, List<String> command, List<ManagedProcess> group) {
    ManagedProcess process = ManagedProcess.start(name, command, logDir.resolve(name + ".log"));
    group.add(process);
    return process;
  }

  /** Stops one agent now (SIGTERM, then SIGKILL after the grace period). */
  int stopAgent(Agent agent) throws InterruptedException {
    agents.remove(agent.process());
    return agent.process().stop(STOP_GRACE);
  }

  /**
   * Stops everything in dependency order and removes the temp dir. Fails (after cleaning up anyway)
   * when a mount or a process under the temp dir outlived the programs that made it. Every step
   * runs whatever an earlier one threw; the first failure is thrown, the others suppressed in it.
   */
  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    CleanUpSteps steps = new CleanUpSteps();
    List<String> leftovers = new ArrayList<>();
    List<String> stillThere = new ArrayList<>();
    cleanUp(steps, leftovers, stillThere);
    steps.run(
        () -> {
          try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
          } catch (IllegalStateException shuttingDown) {
            // Already in shutdown: the hook runs (and finds everything stopped).
          }
        });
    if (!leftovers.isEmpty()) {
      steps.fail(
          new AssertionError(
              "left behind under "
                  + baseDir
                  + " (cleaned up by the harness): "
                  + leftovers
                  + (stillThere.isEmpty() ? "" : "; could not clean: " + stillThere)));
    }
    steps.throwFirst();
  }

  /**
   * The clean-up of {@link #close()} and of the shutdown hook, each part a step of its own: adds
   * what the programs left behind to {@code leftovers} and what even the harness could not remove
   * to {@code stillThere}.
   */
  private void cleanUp(CleanUpSteps steps, List<String> leftovers, List<String> stillThere) {
    stopAll(steps);
    steps.run(() -> leftovers.addAll(Leftovers.under(baseDir)));
    steps.run(() -> Leftovers.clean(baseDir));
    for (String parent : cgroupParents) {
      // The parent itself is the agent's to keep; pod cgroups below it must be gone.
      steps.run(
          () -> {
            for (String cgroup : Cgroups.removeTree(parent)) {
              leftovers.add("cgroup " + cgroup);
            }
          });
    }
    // Agents remove their own proxy table when they stop (--proxy-cleanup); one that had to be
    // killed did not.
    for (String table : proxyTables) {
      steps.run(
          () -> {
            if (removeNftTable(table)) {
              leftovers.add("nft table ip " + table);
            }
          });
    }
    steps.run(
        () -> {
          stillThere.addAll(Leftovers.under(baseDir));
          if (stillThere.isEmpty()) {
            deleteTree(baseDir);
          }
        });
  }

  /** Stops agents, then servers, then helpers, each one whatever stopping another threw. */
  private void stopAll(CleanUpSteps steps) {
    for (List<ManagedProcess> group : List.of(agents, servers, helpers)) {
      for (int i = group.size() - 1; i >= 0; i--) {
        ManagedProcess process = group.get(i);
        steps.run(() -> process.stop(STOP_GRACE));
      }
      group.clear();
    }
  }

  private void stopQuietly() {
    // Best effort during JVM shutdown: failures have nobody to go to.
    cleanUp(new CleanUpSteps(), new ArrayList<>(), new ArrayList<>());
  }

  /** Deletes nft table {@code ip NAME} if it exists; true when it did. */
  private static boolean removeNftTable(String name) {
    try {
      Process list =
          new ProcessBuilder("nft", "list", "table", "ip", name)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (list.waitFor() != 0) {
        return false;
      }
      new ProcessBuilder("nft", "delete", "table", "ip", name)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Deletes a directory tree without following symbolic links (callers ensure no mounts). */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }

  /** Lists the files of a directory, empty when it does not exist. */
  static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
