package io.kuark.agent.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.agent.runtime.LogCopiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which processes the runc runtime and its shim start, with a fake runc (and a fake dmesg for the
 * shim) that log every invocation: no process for what can be known without one.
 */
class RuncProcessesTest {

  @TempDir Path dir;
  private Path log;
  private Path runc;
  private Path root;
  private Path bundles;

  @BeforeEach
  void setUp() throws IOException {
    log = dir.resolve("calls.log");
    Files.writeString(log, "");
    root = dir.resolve("root");
    bundles = dir.resolve("bundles");
    // "kill" ends the container as runc's foreground run would: the shim records the exit.
    runc =
        script(
            "runc",
            "echo \"runc $*\" >> "
                + log
                + "\n"
                + "case \"$*\" in\n"
                + "  *--version*) echo 'runc version 9.9.9' ;;\n"
                + "  *' kill '*) id=$4; printf '137 1\\n' > "
                + bundles
                + "/$id/exit ;;\n"
                + "  *' run '*) exit $(cat \"$(dirname \"$0\")/rc\") ;;\n"
                + "esac\n");
  }

  private Path script(String name, String body) throws IOException {
    Path path = dir.resolve("bin").resolve(name);
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  private List<String> calls() throws IOException {
    List<String> calls = new ArrayList<>(Files.readAllLines(log));
    calls.removeIf(c -> c.contains("--version"));
    return calls;
  }

  private RuncRuntime runtime() throws IOException {
    return new RuncRuntime(
        runc.toString(), root, bundles, new LogCopiers(Clock.systemUTC()), dir.resolve("cgroup"));
  }

  /** A bundle whose container runs: runc's pid file names a live process (this JVM). */
  private Path runningBundle(String id) throws IOException {
    Path bundle = Files.createDirectories(bundles.resolve(id));
    Files.writeString(bundle.resolve("pid"), Long.toString(ProcessHandle.current().pid()));
    Files.writeString(bundle.resolve("config.json"), "{}");
    return bundle;
  }

  @Test
  void aZeroGracePeriodSendsOnlySigkillAndMarksTheKillAsTheAgents() throws Exception {
    RuncRuntime runtime = runtime();
    Path bundle = runningBundle("c1");
    // runc knows the container but its state names no init process: runc kill does the signalling.
    Files.createDirectories(root.resolve("c1"));

    runtime.stop("c1", Duration.ZERO);

    assertThat(calls()).containsExactly("runc --root " + root + " kill c1 KILL");
    assertThat(bundle.resolve(RuncRuntime.KILLED_MARK)).exists();
  }

  /**
   * A container runc knows (its state file names the init process and its start time) whose init is
   * {@code init}; the shim's part is played by writing the exit file when init ends.
   */
  private Path runcKnownBundle(String id, Process init, long startTime) throws IOException {
    Path bundle = Files.createDirectories(bundles.resolve(id));
    Files.writeString(bundle.resolve("pid"), Long.toString(init.pid()));
    Files.writeString(bundle.resolve("config.json"), "{}");
    Files.createDirectories(root.resolve(id));
    Files.writeString(
        root.resolve(id).resolve("state.json"),
        "{\"id\":\""
            + id
            + "\",\"init_process_pid\":"
            + init.pid()
            + ",\"init_process_start\":"
            + startTime
            + "}");
    init.onExit()
        .thenRun(
            () -> {
              try {
                Files.writeString(bundle.resolve("exit"), "137 1\n");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return bundle;
  }

  private static long startTime(Process process) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
  }

  @Test
  void stoppingARunningContainerSignalsItsInitWithoutARuncProcess() throws Exception {
    RuncRuntime runtime = runtime();
    Process init = new ProcessBuilder("sleep", "600").start();
    try {
      Path bundle = runcKnownBundle("k1", init, startTime(init));

      runtime.stop("k1", Duration.ZERO);

      assertThat(init.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(init.exitValue()).isEqualTo(128 + 9);
      assertThat(calls()).isEmpty();
      assertThat(bundle.resolve(RuncRuntime.KILLED_MARK)).exists();
    } finally {
      init.destroyForcibly();
    }
  }

  @Test
  void aProcessThatOnlyHasTheInitsPidIsNotSignalled() throws Exception {
    RuncRuntime runtime = runtime();
    Process other = new ProcessBuilder("sleep", "600").start();
    try {
      // Same pid, another start time: the init exited and its pid was reused.
      runcKnownBundle("k2", other, startTime(other) + 1);

      assertThatThrownBy(() -> runtime.stop("k2", Duration.ZERO))
          .hasMessageContaining("did not exit");

      assertThat(other.isAlive()).isTrue();
      assertThat(calls()).isEmpty();
    } finally {
      other.destroyForcibly();
      // The bundle's exit file is written when the process has exited; the temp dir can only be
      // deleted after that (on a loaded machine the write raced the cleanup).
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(bundles.resolve("k2").resolve("exit")));
    }
  }

  @Test
  void removingAContainerRuncHasNoStateForStartsNoRuncProcess() throws Exception {
    RuncRuntime runtime = runtime();
    Path bundle = runningBundle("c2");
    Files.writeString(bundle.resolve("exit"), "137 1\n");

    runtime.remove("c2");

    assertThat(calls()).isEmpty();
    assertThat(bundle).doesNotExist();
  }

  @Test
  void removingAContainerRuncStillKnowsDeletesIt() throws Exception {
    RuncRuntime runtime = runtime();
    runningBundle("c3");
    Files.createDirectories(root.resolve("c3"));

    runtime.remove("c3");

    assertThat(calls()).contains("runc --root " + root + " delete -f c3");
  }

  @Test
  void containerFifosAreMadeWithMode0600() throws Exception {
    Path bundle = Files.createDirectories(bundles.resolve("f1"));

    RuncRuntime.makeFifo(bundle.resolve("stdout.fifo"));

    assertThat(Files.isRegularFile(bundle.resolve("stdout.fifo"))).isFalse();
    assertThat(Files.getAttribute(bundle.resolve("stdout.fifo"), "unix:mode"))
        .isEqualTo(0010600); // S_IFIFO | 0600
  }

  /**
   * Runs the shim on a fake runc exiting with {@code rc}; returns the exit file and dmesg calls.
   */
  private String[] shim(int rc, boolean killedByAgent) throws Exception {
    Files.writeString(dir.resolve("bin").resolve("rc"), Integer.toString(rc));
    Path dmesgLog = dir.resolve("dmesg.log");
    Files.writeString(dmesgLog, "");
    script(
        "dmesg",
        "echo called >> "
            + dmesgLog
            + "\necho '[1.0] oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/kuark/podx/c9,task=x'\n");
    // Commands a shell script would reach for to record an exit: logged if the shim runs them.
    for (String tool : List.of("date", "mv", "touch", "cp")) {
      script(tool, "echo \"" + tool + " $*\" >> " + log + "\nexec /usr/bin/" + tool + " \"$@\"\n");
    }
    Path shim = dir.resolve("shim.sh");
    Files.writeString(shim, RuncRuntime.SHIM);
    Path bundle = Files.createDirectories(bundles.resolve("c9"));
    for (String fifo : List.of("stdout.fifo", "stderr.fifo")) {
      if (!Files.exists(bundle.resolve(fifo))) {
        RuncRuntime.makeFifo(bundle.resolve(fifo));
      }
    }
    Files.deleteIfExists(bundle.resolve("exit"));
    Files.deleteIfExists(bundle.resolve(RuncRuntime.KILLED_MARK));
    if (killedByAgent) {
      Files.writeString(bundle.resolve(RuncRuntime.KILLED_MARK), "");
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                "sh",
                shim.toString(),
                runc.toString(),
                root.toString(),
                bundle.toString(),
                "c9",
                "/kuark/podx/c9",
                "")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("shim.out").toFile());
    Map<String, String> env = builder.environment();
    env.put("PATH", dir.resolve("bin") + ":" + env.get("PATH"));
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String[] {
      Files.readString(bundle.resolve("exit"), StandardCharsets.UTF_8),
      Files.readString(dmesgLog).trim()
    };
  }

  @Test
  void theShimLooksForAnOomKillOnlyWhenTheContainerDiedOfASigkillTheAgentDidNotSend()
      throws Exception {
    String[] oomKilled = shim(137, false);
    assertThat(oomKilled[0]).isEqualTo("137 oom\n");
    assertThat(oomKilled[1]).isEqualTo("called");

    String[] killedByAgent = shim(137, true);
    assertThat(killedByAgent[0]).isEqualTo("137\n");
    assertThat(killedByAgent[1]).isEmpty();

    String[] failed = shim(1, false);
    assertThat(failed[0]).isEqualTo("1\n");
    assertThat(failed[1]).isEmpty();
  }

  @Test
  void theShimRecordsAnExitWithoutStartingAProcessAndItsFileTellsWhenTheContainerEnded()
      throws Exception {
    Files.writeString(log, "");
    long before = System.currentTimeMillis();
    String[] exit = shim(3, false);
    long after = System.currentTimeMillis();

    // runc's foreground run is the only process: the exit line and its time come from built-ins.
    assertThat(calls()).hasSize(1).allMatch(c -> c.startsWith("runc ") && c.contains(" run "));
    Path file = bundles.resolve("c9").resolve("exit");
    ExitRecord record = ExitRecord.read(file);
    assertThat(exit[0]).isEqualTo("3\n");
    assertThat(record.code()).isEqualTo(3);
    assertThat(record.oomKilled()).isFalse();
    // File times come from the kernel's coarse clock: a tick (at most 10 ms) behind the JVM's.
    assertThat(record.finished().toEpochMilli()).isBetween(before - 10, after);
  }
}
