package io.kuark.agent.runtime.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ContainerStatus.State;
import io.kuark.agent.runtime.ExecProcess;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.runtime.StdinMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * {@link ContainerRuntime} on runc. Each container is run by a tiny detached shell shim ({@code
 * setsid sh shim.sh}) that execs {@code runc run} in the foreground and records its exit status in
 * the bundle's {@code exit} file, so exit codes survive agent restarts. The container's stdout and
 * stderr are named pipes in the bundle that the shim keeps open read-write: the container never
 * sees EPIPE while the agent restarts, and the agent copies them into CRI log files.
 *
 * <p>Bundle files: {@code config.json}, {@code rootfs/}, {@code stdout.fifo}, {@code stderr.fifo},
 * {@code exit} ("code [oom]", written when the container ended: {@link ExitRecord}), {@code oom}
 * (an OOM kill seen while running), {@code runc.log}, {@code shim.log}.
 *
 * <p>OOM kills are detected from the container's memory cgroup: its {@code oom_kill} counter is
 * sampled on every status poll of a running container, and at exit (when runc has already removed
 * the cgroup) the shim looks for the kernel's OOM record naming that cgroup.
 */
public final class RuncRuntime implements ContainerRuntime {

  private static final Logger LOG = Logger.getLogger(RuncRuntime.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SHIM =
      """
      #!/bin/sh
      # kuark container shim: $1 runc binary, $2 runc root, $3 bundle, $4 container id,
      # $5 the container's cgroup path (may be empty), $6 "tty" when the container has a terminal.
      # Keeps the output fifos open read-write so the container never gets EPIPE when the agent
      # restarts, runs the container in the foreground and records how it ended.
      runc=$1 root=$2 bundle=$3 id=$4 cg=$5 tty=$6
      exec 3<>"$bundle/stdout.fifo" 4<>"$bundle/stderr.fifo"
      # stdin: true gives a stdin fifo; held open here unless stdinOnce (then the agent holds it).
      in=/dev/null
      if [ -p "$bundle/stdin.fifo" ]; then
        [ -e "$bundle/stdin.once" ] || exec 5<>"$bundle/stdin.fifo"
        in="$bundle/stdin.fifo"
      fi
      if [ "$tty" = tty ]; then
        # runc in the foreground proxies the container's terminal to a terminal of its own: script
        # makes that one and holds its master, so both outlive the agent. Its path goes to
        # $bundle/console for resizes (runc copies the size onto the container's terminal). Without
        # stdin it reads a fifo that never ends: script answers end of input by typing into it.
        if ! command -v script >/dev/null; then
          printf '{"level":"error","msg":"%s"}\\n' \\
            "tty: true needs script(1) from util-linux on the node" >"$bundle/runc.log"
          printf '127\\n' >"$bundle/exit"
          exit 0
        fi
        if [ "$in" = /dev/null ]; then
          exec 5<>"$bundle/idle.fifo"
          in="$bundle/idle.fifo"
        fi
        KUARK_RUNC=$runc KUARK_ROOT=$root KUARK_BUNDLE=$bundle KUARK_ID=$id SHELL=/bin/sh \\
          script -q -e -c 'stty cols 80 rows 24 && tty >"$KUARK_BUNDLE/console" && exec \\
            "$KUARK_RUNC" --root "$KUARK_ROOT" --log "$KUARK_BUNDLE/runc.log" --log-format json \\
            run --bundle "$KUARK_BUNDLE" --pid-file "$KUARK_BUNDLE/pid" "$KUARK_ID"' \\
          /dev/null <"$in" >&3 2>&4
      else
        "$runc" --root "$root" --log "$bundle/runc.log" --log-format json run --bundle "$bundle" \\
          --pid-file "$bundle/pid" "$id" <"$in" >&3 2>&4
      fi
      rc=$?
      # runc has removed the memory cgroup (and its oom_kill counter) by now; the kernel log still
      # names the cgroup of every OOM kill (cgroup paths are unique per container). The OOM killer
      # kills with SIGKILL (status 137); a SIGKILL the agent sent itself (the "killed" mark) is
      # not looked up. A child killed while the container ran is seen by the agent's counter polls.
      oom=
      if [ "$rc" = 137 ] && [ -n "$cg" ] && [ ! -e "$bundle/killed" ] \\
          && dmesg 2>/dev/null | grep -q "oom-kill:.*task_memcg=[^,]*$cg,"; then
        oom=" oom"
      fi
      # Shell built-ins only, no date(1) or mv(1) process per container: the file's modification time
      # is when the container ended, and the agent takes a line without its newline for one still
      # being written (ExitRecord).
      printf '%s%s\\n' "$rc" "$oom" >"$bundle/exit"
      """;

  /** Written into the bundle before the agent sends SIGKILL (see the shim). */
  static final String KILLED_MARK = "killed";

  /** A terminal's size until a client resizes it (the shim's {@code stty} sets the same). */
  static final int TERMINAL_COLUMNS = 80;

  static final int TERMINAL_ROWS = 24;

  private static final java.util.regex.Pattern TERMINAL_PATH =
      java.util.regex.Pattern.compile("/dev/pts/[0-9]+");

  private final String runc;
  private final Path root;
  private final Path bundlesDir;
  private final Path shim;
  private final LogCopiers copiers;
  private final StdinFifos stdinFifos = new StdinFifos();
  private final String version;
  private final OomCounter oomCounter;
  private final java.util.Map<String, BundleConfig> configs =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, Long> limboSince =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final Duration LIMBO_LIMIT = Duration.ofSeconds(10);

  /**
   * @param runc the runc executable
   * @param root runc's state directory ({@code --root})
   * @param bundlesDir where container bundles live ({@code bundlesDir/<id>})
   */
  public RuncRuntime(String runc, Path root, Path bundlesDir, LogCopiers copiers)
      throws IOException {
    this(runc, root, bundlesDir, copiers, Path.of("/sys/fs/cgroup"));
  }

  /** Like the main constructor with the cgroup hierarchies mounted at {@code cgroupRoot}. */
  RuncRuntime(String runc, Path root, Path bundlesDir, LogCopiers copiers, Path cgroupRoot)
      throws IOException {
    this.oomCounter = new OomCounter(cgroupRoot);
    this.runc = runc;
    this.root = root;
    this.bundlesDir = bundlesDir;
    this.copiers = copiers;
    Files.createDirectories(root);
    Files.createDirectories(bundlesDir);
    this.shim = root.resolve("kuark-shim.sh");
    if (!Files.exists(shim) || !Files.readString(shim).equals(SHIM)) {
      // A new file, not a rewrite: shims of running containers still read the old one.
      Path temp = root.resolve("kuark-shim.sh.tmp");
      Files.writeString(temp, SHIM);
      Files.move(temp, shim, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    this.version = readVersion(runc);
  }

  @Override
  public Path bundle(String id) {
    return bundlesDir.resolve(id);
  }

  @Override
  public String version() {
    return "runc://" + version;
  }

  @Override
  public void start(String id, Path bundle, Path logFile) throws IOException {
    Files.deleteIfExists(bundle.resolve("exit"));
    Files.deleteIfExists(bundle.resolve("oom"));
    Files.deleteIfExists(bundle.resolve("pid"));
    Files.deleteIfExists(bundle.resolve("runc.log"));
    Files.deleteIfExists(bundle.resolve("console"));
    Files.deleteIfExists(bundle.resolve(KILLED_MARK));
    configs.remove(id); // the caller has just written config.json
    BundleConfig config = config(id, bundle);
    for (String fifo :
        config.terminal()
            ? new String[] {"stdout.fifo", "stderr.fifo", "idle.fifo"}
            : new String[] {"stdout.fifo", "stderr.fifo"}) {
      Path path = bundle.resolve(fifo);
      if (!Files.exists(path)) {
        makeFifo(path);
      }
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            "setsid",
            "sh",
            shim.toString(),
            runc,
            root.toString(),
            bundle.toString(),
            id,
            config.cgroupPath(),
            config.terminal() ? "tty" : "");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(bundle.resolve("shim.log").toFile()));
    builder.redirectErrorStream(true);
    builder.start();
    copiers.attach(id, bundle, logFile, config.terminal());
  }

  @Override
  public void start(String id, Path bundle, Path logFile, StdinMode stdin) throws IOException {
    stdinFifos.prepare(id, bundle, stdin);
    try {
      start(id, bundle, logFile);
    } catch (IOException | RuntimeException e) {
      stdinFifos.forget(id);
      throw e;
    }
  }

  @Override
  public OutputStream attachStdin(String id) throws IOException {
    return stdinFifos.open(id, bundle(id));
  }

  @Override
  public void reattach(String id, Path logFile) {
    Path bundle = bundle(id);
    if (!Files.exists(bundle.resolve("exit"))) {
      copiers.attach(id, bundle, logFile, config(id, bundle).terminal());
    }
  }

  /**
   * Resizes the terminal the shim's script(1) holds; runc, in its foreground process group, gets
   * SIGWINCH and copies the size onto the container's terminal. Works after agent restarts: the
   * shim records the terminal's path in the bundle.
   */
  @Override
  public void resizeTerminal(String id, int columns, int rows) throws IOException {
    Path console = bundle(id).resolve("console");
    if (!config(id, bundle(id)).terminal()) {
      throw new IOException("container " + id + " has no terminal (tty: false)");
    }
    if (!Files.exists(console) || Files.exists(bundle(id).resolve("exit"))) {
      throw new IOException("the terminal of container " + id + " is not open");
    }
    String path = Files.readString(console).trim();
    if (!TERMINAL_PATH.matcher(path).matches()) {
      throw new IOException("container " + id + " has no usable terminal: " + path);
    }
    try {
      io.kuark.linux.Linux.get().resizeTerminal(Path.of(path), columns, rows);
    } catch (io.kuark.linux.LinuxException | IllegalArgumentException e) {
      throw new IOException("resizing the terminal of " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ContainerStatus status(String id) {
    Path bundle = bundle(id);
    Path exit = bundle.resolve("exit");
    if (Files.exists(exit)) {
      copiers.finished(id, bundle);
      return exited(id, bundle, exit);
    }
    if (!Files.isDirectory(bundle)) {
      return ContainerStatus.unknown();
    }
    ContainerStatus fast = runningFromPidFile(bundle);
    if (fast != null) {
      return withOomSample(id, bundle, fast);
    }
    boolean hadPid = Files.exists(bundle.resolve("pid"));
    // Without a pid file runc has not finished creating the container: asking runc (a process
    // start per poll, while the pod's worker polls every few ms) cannot tell more than "creating".
    JsonNode state = hadPid ? state(id) : null;
    if (state == null) {
      // Either the shim has not created the container yet, or it is about to write the exit file.
      // If that limbo lasts, the shim is gone (host reboot, killed): the container is lost.
      long since = limboSince.computeIfAbsent(id, k -> System.nanoTime());
      if (System.nanoTime() - since > LIMBO_LIMIT.toNanos()) {
        limboSince.remove(id);
        return new ContainerStatus(
            State.EXITED, 0, 255, null, Instant.now(), !hadPid, "container shim is gone");
      }
      return new ContainerStatus(
          hadPid ? State.RUNNING : State.CREATING, 0, 0, null, null, false, null);
    }
    limboSince.remove(id);
    String status = state.path("status").asText();
    Instant created = parseInstant(state.path("created").asText(null));
    int pid = state.path("pid").asInt();
    if (status.equals("running") || status.equals("paused")) {
      return withOomSample(
          id, bundle, new ContainerStatus(State.RUNNING, pid, 0, created, null, false, null));
    }
    return new ContainerStatus(State.CREATING, pid, 0, created, null, false, null);
  }

  /**
   * Watches the bundle for the shim's progress: runc writes the pid file once the container exists,
   * the shim writes the exit file when it ended. Polls those files (no runc process per poll) with
   * a short back-off, then reads the status.
   */
  @Override
  public ContainerStatus awaitStarted(String id, Duration timeout) {
    Path bundle = bundle(id);
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 2;
    while (Files.isDirectory(bundle)
        && !Files.exists(bundle.resolve("pid"))
        && !Files.exists(bundle.resolve("exit"))
        && System.nanoTime() < deadline) {
      sleep(pause);
      pause = Math.min(pause * 2, 25);
    }
    return status(id);
  }

  /**
   * Cheap check for the common case: runc wrote the pid file and that process still exists, so the
   * container runs (no runc process spawned per poll).
   */
  private static ContainerStatus runningFromPidFile(Path bundle) {
    Path pidFile = bundle.resolve("pid");
    try {
      if (!Files.exists(pidFile)) {
        return null;
      }
      String text = Files.readString(pidFile).trim();
      if (text.isEmpty()) {
        return null;
      }
      int pid = Integer.parseInt(text);
      if (!Files.exists(Path.of("/proc", text))) {
        return null;
      }
      Instant started = Files.getLastModifiedTime(pidFile).toInstant();
      return new ContainerStatus(State.RUNNING, pid, 0, started, null, false, null);
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * Samples the running container's OOM kill counter; the first kill seen is recorded in the bundle
   * (the cgroup and its counter are gone once the container exits).
   */
  private ContainerStatus withOomSample(String id, Path bundle, ContainerStatus running) {
    Path marker = bundle.resolve("oom");
    boolean seen = Files.exists(marker);
    if (!seen && oomCounter.oomKills(cgroupPath(id, bundle)) > 0) {
      try {
        Files.writeString(marker, "");
      } catch (IOException e) {
        LOG.debugf("recording OOM kill of %s: %s", id, e.getMessage());
      }
      seen = true;
    }
    return new ContainerStatus(
        running.state(),
        running.pid(),
        running.exitCode(),
        running.startedAt(),
        running.finishedAt(),
        false,
        null,
        seen);
  }

  /** What the runtime needs from a container's config.json. */
  private record BundleConfig(String cgroupPath, boolean terminal) {}

  /** The container's {@code linux.cgroupsPath} from its config.json, "" when it has none. */
  private String cgroupPath(String id, Path bundle) {
    return config(id, bundle).cgroupPath();
  }

  /**
   * The container's {@code linux.cgroupsPath} ("" when none) and {@code process.terminal}, read
   * once.
   */
  private BundleConfig config(String id, Path bundle) {
    BundleConfig known = configs.get(id);
    if (known != null) {
      return known;
    }
    BundleConfig config = new BundleConfig("", false);
    try {
      JsonNode spec = JSON.readTree(bundle.resolve("config.json").toFile());
      config =
          new BundleConfig(
              spec.path("linux").path("cgroupsPath").asText(""),
              spec.path("process").path("terminal").asBoolean(false));
    } catch (IOException e) {
      LOG.debugf("no config.json for %s: %s", id, e.getMessage());
      return config; // not cached: it may be written yet
    }
    configs.put(id, config);
    return config;
  }

  private ContainerStatus exited(String id, Path bundle, Path exit) {
    int code = 255;
    Instant finished = Instant.now();
    boolean oomKilled = Files.exists(bundle.resolve("oom"));
    try {
      ExitRecord record = ExitRecord.read(exit);
      code = record.code();
      finished = record.finished();
      oomKilled |= record.oomKilled();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("unreadable exit file for %s: %s", id, e.getMessage());
    }
    boolean started = Files.exists(bundle.resolve("pid"));
    Instant startedAt = null;
    if (started) {
      try {
        startedAt = Files.getLastModifiedTime(bundle.resolve("pid")).toInstant();
      } catch (IOException e) {
        startedAt = finished;
      }
    }
    String message = started ? null : lastRuncError(bundle);
    // runc reports a container killed by a signal as 128+signal, like a shell does.
    return new ContainerStatus(
        State.EXITED, 0, code, startedAt, finished, !started, message, oomKilled && started);
  }

  /** The last error runc logged for a container that never started. */
  private static String lastRuncError(Path bundle) {
    Path log = bundle.resolve("runc.log");
    String message = "container process did not start";
    if (!Files.exists(log)) {
      return message;
    }
    try {
      for (String line : Files.readAllLines(log)) {
        try {
          JsonNode entry = JSON.readTree(line);
          if ("error".equals(entry.path("level").asText())) {
            message = entry.path("msg").asText(message);
          }
        } catch (IOException notJson) {
          // runc may write plain text before its logger is set up.
        }
      }
    } catch (IOException e) {
      return message;
    }
    return message;
  }

  @Override
  public void stop(String id, Duration grace) throws IOException {
    Path exit = bundle(id).resolve("exit");
    if (Files.exists(exit)) {
      return;
    }
    // A live process behind runc's pid file means the container exists: asking `runc state` (a
    // process start, ~20 ms of CPU per pod torn down) would only say so again.
    if (runningFromPidFile(bundle(id)) == null && state(id) == null && !shimMayStillStart(id)) {
      return;
    }
    // A zero grace period kills at once: a SIGTERM that cannot be waited for only costs a runc
    // process. Before SIGKILL the bundle is marked so the shim knows the kill was ours and does not
    // scan the kernel log for an OOM kill.
    if (!grace.isZero()) {
      signal(id, "TERM");
      if (waitForExit(exit, grace)) {
        return;
      }
    }
    markKilled(bundle(id));
    signal(id, "KILL");
    if (!waitForExit(exit, Duration.ofSeconds(10))) {
      throw new IOException("container " + id + " did not exit after SIGKILL");
    }
  }

  /** A bundle without exit file and without runc state: the shim may still be creating it. */
  private boolean shimMayStillStart(String id) {
    Path bundle = bundle(id);
    if (!Files.isDirectory(bundle) || Files.exists(bundle.resolve("exit"))) {
      return false;
    }
    // Give the shim a moment to either create the container or record its failure.
    for (int i = 0; i < 50; i++) {
      if (Files.exists(bundle.resolve("exit")) || state(id) != null) {
        return state(id) != null;
      }
      sleep(100);
    }
    return false;
  }

  private static void markKilled(Path bundle) {
    try {
      Files.writeString(bundle.resolve(KILLED_MARK), "");
    } catch (IOException e) {
      LOG.debugf("marking %s killed: %s", bundle, e.getMessage());
    }
  }

  private void signal(String id, String signal) {
    if (signalInit(id, signal)) {
      return;
    }
    try {
      exec(List.of(runc, "--root", root.toString(), "kill", id, signal), Duration.ofSeconds(10));
    } catch (IOException e) {
      // It may have exited on its own in between.
      LOG.debugf("runc kill %s %s: %s", id, signal, e.getMessage());
    }
  }

  /**
   * Signals the container's init process directly, as {@code runc kill} (without {@code --all})
   * would, without starting a runc process: the pid and start time come from runc's state file and
   * the signal goes through a pidfd, so a pid reused by another process is never signalled.
   *
   * @return true when nothing is left for {@code runc kill} to do: the signal was sent, or runc no
   *     longer has the container or its init process is gone (runc kill could only fail then)
   */
  private boolean signalInit(String id, String signal) {
    Path state = root.resolve(id).resolve("state.json");
    int pid;
    long started;
    try {
      JsonNode node = JSON.readTree(state.toFile());
      pid = node.path("init_process_pid").asInt(0);
      started = node.path("init_process_start").asLong(0);
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return !knownToRunc(id);
    } catch (IOException e) {
      return false; // being written, or unreadable: runc decides
    }
    if (pid <= 0 || started <= 0) {
      return false;
    }
    try {
      if (!io.kuark.linux.Linux.get().signalIfStartedAt(pid, started, signalNumber(signal))) {
        LOG.debugf("init process %d of %s is gone; nothing to signal", pid, id);
      }
      return true;
    } catch (io.kuark.linux.LinuxException | LinkageError e) {
      LOG.debugf("signalling %s through a pidfd: %s; using runc kill", id, e.getMessage());
      return false;
    }
  }

  private static int signalNumber(String signal) {
    return switch (signal) {
      case "KILL" -> 9;
      case "TERM" -> 15;
      default -> throw new IllegalArgumentException("unsupported signal " + signal);
    };
  }

  private static boolean waitForExit(Path exit, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(exit)) {
        return true;
      }
      sleep(50);
    }
    return Files.exists(exit);
  }

  @Override
  public void remove(String id) throws IOException {
    if (state(id) != null) {
      try {
        exec(List.of(runc, "--root", root.toString(), "delete", "-f", id), Duration.ofSeconds(30));
      } catch (IOException e) {
        if (state(id) != null) {
          throw e;
        }
      }
    }
    Path bundle = bundle(id);
    copiers.finished(id, bundle);
    configs.remove(id);
    stdinFifos.forget(id);
    Path rootfs = bundle.resolve("rootfs");
    if (Files.exists(rootfs) && isMountPoint(rootfs)) {
      throw new IOException("rootfs of " + id + " is still mounted; unmount it before remove");
    }
    deleteTree(bundle);
  }

  @Override
  public int exec(String id, List<String> command, Duration timeout) throws IOException {
    List<String> argv = new ArrayList<>(List.of(runc, "--root", root.toString(), "exec", id));
    argv.addAll(command);
    Process process =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public ExecProcess execInteractive(String id, List<String> command, boolean tty)
      throws IOException {
    if (command.isEmpty()) {
      throw new IOException("no command to execute");
    }
    if (!tty) {
      List<String> argv = new ArrayList<>(List.of(runc, "--root", root.toString(), "exec", id));
      argv.addAll(command);
      // Without --tty runc hands its own stdio to the process: the pipes reach the command.
      return new PipedExecProcess(new ProcessBuilder(argv).start());
    }
    // runc in the foreground with --tty needs a terminal of its own to proxy: a pty the agent
    // holds the master of; setsid -c makes it runc's controlling terminal so resizes reach runc.
    List<String> argv =
        new ArrayList<>(
            List.of("setsid", "-w", "-c", runc, "--root", root.toString(), "exec", "--tty", id));
    argv.addAll(command);
    io.kuark.linux.Pty pty = io.kuark.linux.Linux.get().openPty(80, 24);
    try {
      java.io.File slave = new java.io.File(pty.slavePath());
      Process process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(slave))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(slave))
              .redirectError(ProcessBuilder.Redirect.appendTo(slave))
              .start();
      return new TtyExecProcess(process, pty);
    } catch (IOException | RuntimeException e) {
      pty.close();
      throw e;
    }
  }

  @Override
  public List<String> list() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> list = Files.list(bundlesDir)) {
      for (Path dir : list.toList()) {
        if (Files.isDirectory(dir)) {
          ids.add(dir.getFileName().toString());
        }
      }
    }
    return ids;
  }

  /** {@code runc state} as JSON, or null when runc does not know the container. */
  JsonNode state(String id) {
    if (!knownToRunc(id)) {
      // runc keeps a container's state in <root>/<id>/ from create until delete (and `runc run`
      // in the foreground deletes it when the container exits): without that directory `runc
      // state` can only fail, so no process is started to hear it.
      return null;
    }
    try {
      String out =
          exec(List.of(runc, "--root", root.toString(), "state", id), Duration.ofSeconds(10));
      return JSON.readTree(out);
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether runc has state for {@code id} (its directory below runc's root). */
  boolean knownToRunc(String id) {
    return Files.isDirectory(root.resolve(id));
  }

  private static boolean isMountPoint(Path path) {
    try {
      Path parent = path.getParent();
      Object dev = Files.getAttribute(path, "unix:dev");
      Object parentDev = Files.getAttribute(parent, "unix:dev");
      return !dev.equals(parentDev);
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Instant parseInstant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String readVersion(String runc) {
    try {
      String out = exec(List.of(runc, "--version"), Duration.ofSeconds(10));
      for (String line : out.split("\n")) {
        if (line.startsWith("runc version ")) {
          return line.substring("runc version ".length()).trim();
        }
      }
    } catch (IOException e) {
      LOG.warnf("cannot read runc version: %s", e.getMessage());
    }
    return "unknown";
  }

  /**
   * Creates the named pipe {@code path} (mode 0600) with mkfifo(3) through linux-ffi: no mkfifo
   * process per container start.
   */
  static void makeFifo(Path path) throws IOException {
    try {
      io.kuark.linux.Linux.get().mkfifo(path, 0600);
    } catch (io.kuark.linux.LinuxException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Runs a command to completion and returns its stdout; non-zero exit is an IOException. */
  static String exec(List<String> command, Duration timeout) throws IOException {
    Process process = new ProcessBuilder(command).start();
    try (InputStream stdout = process.getInputStream();
        InputStream stderr = process.getErrorStream()) {
      byte[] out = stdout.readAllBytes();
      byte[] err = stderr.readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            command.get(0) + " " + command.get(command.size() > 1 ? 1 : 0) + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " failed ("
                + process.exitValue()
                + "): "
                + new String(err, StandardCharsets.UTF_8).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static java.nio.file.attribute.FileAttribute<?> privateDir() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }
}
