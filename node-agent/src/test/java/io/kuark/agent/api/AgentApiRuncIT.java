package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.linux.LinuxFfiHostKernel;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.runtime.StdinMode;
import io.kuark.agent.runtime.runc.OciSpecBuilder;
import io.kuark.agent.runtime.runc.RuncRuntime;
import io.kuark.agent.testing.DemoImage;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent API against a real runc container (demo image, busybox httpd on port 8080) in a network
 * namespace the test creates: logs, exec over WebSocket and SPDY, port-forward into the netns.
 */
class AgentApiRuncIT {

  private static final String ID = "api-it-c1";
  private static final String READER = "api-it-c2";
  private static final String TERM = "api-it-c3";

  private Path dir;
  private HostKernel kernel;
  private RuncRuntime runtime;
  private Path netns;
  private AgentApiServer server;
  private TestStreamClient client;
  private final String uid = UUID.randomUUID().toString();
  private final String cgroupParent = "kuark-it-" + uid.substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-agentapi-it");
    kernel = new LinuxFfiHostKernel(Linux.get(), cidr -> {});
    ImageStore store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    ImageRecord image =
        new ArchiveImporter(store, dir.resolve("tmp")).importArchive(DemoImage.archive()).get(0);
    runtime =
        new RuncRuntime(
            "runc",
            dir.resolve("runc"),
            dir.resolve("containers"),
            new LogCopiers(Clock.systemUTC()));
    netns = dir.resolve("netns").resolve(uid);
    kernel.createNetns(netns);
    try (Netlink netlink = Linux.get().netlink(netns)) {
      netlink.setUp("lo", true);
    }

    Path logs = dir.resolve("logs").resolve("ns_web_" + uid);
    startContainer(
        store,
        image,
        ID,
        List.of("sh", "-c", "echo started; exec httpd -f -p 8080 -h /www"),
        logs.resolve("app").resolve("0.log"),
        StdinMode.CLOSED);
    startContainer(
        store,
        image,
        READER,
        List.of("sh", "-c", "while read x; do echo got $x; done; echo stdin-closed"),
        logs.resolve("reader").resolve("0.log"),
        StdinMode.ONCE);
    startContainer(
        store,
        image,
        TERM,
        List.of("sh"),
        logs.resolve("term").resolve("0.log"),
        StdinMode.OPEN,
        true);
    Path logsRoot = dir.resolve("logs");

    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("web")
            .withUid(uid)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .addNewContainer()
            .withName("reader")
            .withStdin(true)
            .withStdinOnce(true)
            .endContainer()
            .addNewContainer()
            .withName("term")
            .withStdin(true)
            .withTty(true)
            .endContainer()
            .endSpec()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("app")
            .withContainerID("runc://" + ID)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("reader")
            .withContainerID("runc://" + READER)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("term")
            .withContainerID("runc://" + TERM)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    TestPki pki = new TestPki();
    server =
        new AgentApiServer(
            new AgentApiServer.Deps(
                new FakeReviews().authorizer(pki.ca.certificate(), "node-it"),
                (ns, name) ->
                    ns.equals("ns") && name.equals("web") ? Optional.of(pod) : Optional.empty(),
                runtime,
                new NetnsPodDialer(Linux.get().namespaces(), dir.resolve("netns")),
                logsRoot,
                Clock.systemUTC()),
            ServingCertificate.generate("node-it", List.of("127.0.0.1")));
    int port = server.start(0);
    client = new TestStreamClient(port, pki.client("CN=kube-apiserver-kubelet-client"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (runtime != null) {
      for (String id : runtime.list()) {
        runtime.stop(id, Duration.ZERO);
        kernel.unmount(runtime.bundle(id).resolve("rootfs"));
        runtime.remove(id);
      }
    }
    if (kernel != null && netns != null) {
      kernel.deleteNetns(netns);
    }
    for (String controller :
        new String[] {
          "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset", "systemd",
          "unified"
        }) {
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent, ID));
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent, READER));
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent, TERM));
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent));
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void startContainer(
      ImageStore store, ImageRecord image, String id, List<String> args, Path log, StdinMode stdin)
      throws Exception {
    startContainer(store, image, id, args, log, stdin, false);
  }

  private void startContainer(
      ImageStore store,
      ImageRecord image,
      String id,
      List<String> args,
      Path log,
      StdinMode stdin,
      boolean tty)
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
            "/",
            0,
            0,
            List.of(),
            "web",
            netns,
            false,
            false,
            false,
            List.of(),
            "/" + cgroupParent + "/" + id,
            ContainerLaunch.Resources.NONE,
            tty);
    new ObjectMapper()
        .writeValue(
            bundle.resolve("config.json").toFile(), new OciSpecBuilder().build(launch, "rootfs"));
    runtime.start(id, bundle, log, stdin);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status(id).state() == ContainerStatus.State.RUNNING);
  }

  @Test
  void attachWithStdinToAStdinOnceContainerClosesItsInputWhenTheClientDoes() throws Exception {
    TestStreamClient.WebSocketSession ws =
        client.webSocket(
            "/attach/ns/web/reader?stdin=true&stdout=true&stderr=true", "v5.channel.k8s.io");
    ws.send(ChannelFraming.frame(0, "one\n".getBytes(StandardCharsets.UTF_8)));
    ws.send(ChannelFraming.frame(0, "two\n".getBytes(StandardCharsets.UTF_8)));
    ws.send(new byte[] {(byte) 255, 0});
    Map<Integer, String> channels = AgentApiServerTest.collect(ws);
    assertThat(channels.get(1)).isEqualTo("got one\ngot two\nstdin-closed\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status(READER).state() == ContainerStatus.State.EXITED);
    assertThat(runtime.status(READER).exitCode()).isZero();
  }

  /** Output received so far on channel 1 (stdout), appended to {@code out}. */
  private static void drainStdout(TestStreamClient.WebSocketSession ws, StringBuilder out)
      throws Exception {
    Object item;
    while ((item = ws.received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      if (item instanceof byte[] message && message.length > 1 && message[0] == 1) {
        out.append(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
      }
    }
  }

  private static byte[] stdin(String text) {
    return ChannelFraming.frame(0, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] resize(int width, int height) {
    return ChannelFraming.frame(
        ChannelFraming.RESIZE,
        ("{\"Width\":" + width + ",\"Height\":" + height + "}").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Types {@code command} until {@code expected} shows up in the output: the shell may still be
   * starting, and a resize reaches the container's terminal asynchronously (runc copies it on
   * SIGWINCH).
   */
  private static String typeUntil(
      TestStreamClient.WebSocketSession ws, StringBuilder out, String command, String expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              drainStdout(ws, out);
              if (out.toString().contains(expected)) {
                return true;
              }
              ws.send(stdin(command));
              return false;
            });
    return out.toString();
  }

  @Test
  void attachWithATerminalTypesIntoTheContainersShellAndFollowsResizes() throws Exception {
    TestStreamClient.WebSocketSession ws =
        client.webSocket(
            "/attach/ns/web/term?stdin=true&stdout=true&tty=true", "v5.channel.k8s.io");
    StringBuilder out = new StringBuilder();
    // A terminal: the shell sees one on stdin, output lines end in CRLF, typed input is echoed.
    typeUntil(ws, out, "test -t 0 && echo tty-$((6*7))\n", "tty-42\r\n");
    assertThat(out.toString()).contains("echo tty-$((6*7))\r\n");
    ws.send(resize(100, 30));
    typeUntil(ws, out, "stty size\n", "30 100\r\n");

    // The terminal's path is on disk: a runtime started afresh (an agent restart) resizes it.
    RuncRuntime restarted =
        new RuncRuntime(
            "runc",
            dir.resolve("runc"),
            dir.resolve("containers"),
            new LogCopiers(Clock.systemUTC()));
    restarted.resizeTerminal(TERM, 132, 43);
    typeUntil(ws, out, "stty size\n", "43 132\r\n");
    assertThat(out.toString()).doesNotContain("\u0000");

    ws.send(stdin("exit 7\n"));
    Map<Integer, String> rest = AgentApiServerTest.collect(ws);
    assertThat(StatusReplies.JSON.readTree(rest.get(3)).path("status").asText())
        .isEqualTo("Success");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status(TERM).state() == ContainerStatus.State.EXITED);
    assertThat(runtime.status(TERM).exitCode()).isEqualTo(7);
    // The terminal's output is the container's log, all on stdout.
    String log =
        Files.readString(
            dir.resolve("logs").resolve("ns_web_" + uid).resolve("term").resolve("0.log"));
    assertThat(log).contains(" stdout P / # ").contains(" stdout F 43 132\r\n");
    assertThat(log).doesNotContain(" stderr ");
    assertThatThrownByIo(() -> runtime.resizeTerminal(TERM, 80, 24), "not open");
  }

  @Test
  void resizingAContainerWithoutATerminalIsAClearError() {
    assertThatThrownByIo(() -> runtime.resizeTerminal(ID, 80, 24), "has no terminal");
  }

  private static void assertThatThrownByIo(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call)
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining(message);
  }

  @Test
  void attachWithoutATerminalToATtyContainerStillStreams() throws Exception {
    TestStreamClient.WebSocketSession ws =
        client.webSocket("/attach/ns/web/term?stdin=true&stdout=true", "v5.channel.k8s.io");
    StringBuilder out = new StringBuilder();
    typeUntil(ws, out, "echo plain-$((6*7))\n", "plain-42\r\n");
    ws.send(stdin("exit 0\n"));
    AgentApiServerTest.collect(ws);
  }

  private static String execPath(String script) {
    return "/exec/ns/web/app?command=sh&command=-c&command="
        + URLEncoder.encode(script, StandardCharsets.UTF_8)
        + "&stdin=true&stdout=true&stderr=true";
  }

  @Test
  void logsOfTheRunningContainer() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                TestStreamClient.text(client.get("/containerLogs/ns/web/app").content())
                    .equals("started\n"));
    FullHttpResponse stamped = client.get("/containerLogs/ns/web/app?timestamps=true");
    assertThat(TestStreamClient.text(stamped.content())).matches("\\d{4}-\\S+Z started\n");
  }

  @Test
  void execOverWebSocketInTheContainer() throws Exception {
    TestStreamClient.WebSocketSession ws =
        client.webSocket(
            execPath("read x; echo $GREETING $x from $(hostname); echo err >&2; exit 3"),
            "v5.channel.k8s.io");
    ws.send(ChannelFraming.frame(0, "there\n".getBytes(StandardCharsets.UTF_8)));
    ws.send(new byte[] {(byte) 255, 0});
    Map<Integer, String> channels = AgentApiServerTest.collect(ws);
    assertThat(channels.get(1)).isEqualTo("hi there from web\n");
    assertThat(channels.get(2)).isEqualTo("err\n");
    AgentApiServerTest.assertExitCode(channels.get(3), 3);
  }

  @Test
  void execWithATerminalEchoesInputAndFollowsResizes() throws Exception {
    String path =
        "/exec/ns/web/app?command=sh&command=-c&command="
            + URLEncoder.encode(
                "test -t 0 && echo is-a-tty; read x; sleep 0.5; stty size; echo got $x; exit 5",
                StandardCharsets.UTF_8)
            + "&stdin=true&stdout=true&tty=true";
    TestStreamClient.WebSocketSession ws = client.webSocket(path, "v5.channel.k8s.io");
    ws.send(
        ChannelFraming.frame(
            ChannelFraming.RESIZE,
            "{\"Width\":100,\"Height\":30}".getBytes(StandardCharsets.UTF_8)));
    ws.send(ChannelFraming.frame(0, "hello\n".getBytes(StandardCharsets.UTF_8)));
    Map<Integer, String> channels = AgentApiServerTest.collect(ws);
    String out = channels.get(1);
    // A terminal: output lines end in CRLF, typed input is echoed, the size is the client's.
    assertThat(out).contains("is-a-tty\r\n").contains("hello\r\n").contains("30 100\r\n");
    assertThat(out).contains("got hello\r\n");
    AgentApiServerTest.assertExitCode(channels.get(3), 5);
  }

  @Test
  void execOverSpdyWithStdinToEof() throws Exception {
    TestStreamClient.SpdySession spdy =
        client.spdy(execPath("wc -c; exit 0").replace("&stderr=true", ""), "v4.channel.k8s.io");
    int error = spdy.open(Map.of("streamtype", "error"));
    int stdin = spdy.open(Map.of("streamtype", "stdin"));
    int stdout = spdy.open(Map.of("streamtype", "stdout"));
    byte[] big = new byte[300_000];
    java.util.Arrays.fill(big, (byte) 'x');
    spdy.send(stdin, big, true);
    Map<Integer, ByteArrayOutputStream> streams = new HashMap<>();
    Object item;
    while ((item = spdy.next()) != TestStreamClient.END) {
      if (item instanceof SpdyDataFrame data) {
        streams
            .computeIfAbsent(data.streamId(), k -> new ByteArrayOutputStream())
            .writeBytes(ByteBufUtil.getBytes(data.content()));
      }
      ReferenceCountUtil.release(item);
    }
    assertThat(streams.get(stdout).toString(StandardCharsets.UTF_8).trim()).isEqualTo("300000");
    String status = streams.get(error).toString(StandardCharsets.UTF_8);
    assertThat(StatusReplies.JSON.readTree(status).path("status").asText()).isEqualTo("Success");
  }

  @Test
  void portForwardReachesTheContainerInsideItsNetns() throws Exception {
    TestStreamClient.SpdySession spdy = client.spdy("/portForward/ns/web", "portforward.k8s.io");
    spdy.open(Map.of("streamtype", "error", "port", "8080", "requestid", "0"));
    int data = spdy.open(Map.of("streamtype", "data", "port", "8080", "requestid", "0"));
    spdy.send(
        data, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.UTF_8), false);
    String response = AgentApiServerTest.readStream(spdy, data);
    assertThat(response).startsWith("HTTP/1.").contains("200").contains("Kuark");
  }
}
