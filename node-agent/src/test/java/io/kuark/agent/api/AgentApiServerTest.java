package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent API end to end over TLS with a runtime whose "containers" are host processes: auth,
 * logs, exec over WebSocket (v5, v4) and SPDY, port-forward over SPDY and tunnelled WebSocket to a
 * loopback echo server.
 */
class AgentApiServerTest {

  private static final String SCRIPT = "read x; echo out $x; echo err >&2; exit 3";

  private Path dir;
  private TestPki pki;
  private final FakeReviews reviews = new FakeReviews();
  private AgentApiServer server;
  private TestStreamClient client;
  private ServerSocket echo;
  private Thread echoThread;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-agentapi-test");
    pki = new TestPki();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("web")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("app")
            .withContainerID("fake://c1")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    PodTargets pods =
        (ns, name) -> ns.equals("ns") && name.equals("web") ? Optional.of(pod) : Optional.empty();
    PodDialer dialer =
        (p, targetPort) ->
            SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    server =
        new AgentApiServer(
            new AgentApiServer.Deps(
                reviews.authorizer(pki.ca.certificate(), "node-a"),
                pods,
                new HostProcessRuntime(),
                dialer,
                dir,
                Clock.systemUTC(),
                () -> "# TYPE up gauge\nup 1\n",
                () -> StatusReplies.JSON.createObjectNode().put("answer", 42)),
            ServingCertificate.generate("node-a", List.of("127.0.0.1")));
    port = server.start(0);
    client =
        new TestStreamClient(port, pki.client("CN=kube-apiserver-kubelet-client,O=system:masters"));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      client.close();
      server.close();
      if (echo != null) {
        echo.close();
        echoThread.join();
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void authenticatesAndAuthorizesByClientCertificate() throws Exception {
    try (TestStreamClient anonymous = new TestStreamClient(port, null)) {
      assertThat(anonymous.get("/healthz").status().code()).isEqualTo(401);
    }
    try (TestStreamClient jane = new TestStreamClient(port, pki.client("CN=jane,O=dev"))) {
      FullHttpResponse denied = jane.get("/healthz");
      assertThat(denied.status().code()).isEqualTo(403);
      assertThat(TestStreamClient.text(denied.content()))
          .isEqualTo("Forbidden (user=jane, verb=get, resource=nodes, subresource=proxy)");
    }
    FullHttpResponse ok = client.get("/healthz");
    assertThat(ok.status().code()).isEqualTo(200);
    assertThat(TestStreamClient.text(ok.content())).isEqualTo("ok");
  }

  @Test
  void authenticatesBearerTokensThroughTokenReviewAndAsksForEachRequest() throws Exception {
    reviews.tokens.put(
        "good",
        new io.kuark.agent.api.auth.Caller(
            "system:serviceaccount:ns:reader",
            "u",
            List.of("system:serviceaccounts", "system:authenticated")));
    reviews.grant("system:serviceaccount:ns:reader", "get", "proxy");
    try (TestStreamClient noCert = new TestStreamClient(port, null)) {
      assertThat(
              noCert
                  .request(io.netty.handler.codec.http.HttpMethod.GET, "/healthz", "good")
                  .status()
                  .code())
          .isEqualTo(200);
      FullHttpResponse post =
          noCert.request(io.netty.handler.codec.http.HttpMethod.POST, "/healthz", "good");
      assertThat(post.status().code()).isEqualTo(403);
      assertThat(TestStreamClient.text(post.content()))
          .isEqualTo(
              "Forbidden (user=system:serviceaccount:ns:reader, verb=create, resource=nodes,"
                  + " subresource=proxy)");
      assertThat(
              noCert
                  .request(io.netty.handler.codec.http.HttpMethod.GET, "/healthz", "forged")
                  .status()
                  .code())
          .isEqualTo(401);
    }
    assertThat(reviews.asked)
        .contains(new io.kuark.agent.api.auth.KubeletAttributes("get", "proxy", "node-a"));
  }

  @Test
  void servesMetricsAndStatsSummaryToThoseAllowedTheirSubresource() throws Exception {
    FullHttpResponse metrics = client.get("/metrics");
    assertThat(metrics.status().code()).isEqualTo(200);
    assertThat(metrics.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(TestStreamClient.text(metrics.content())).isEqualTo("# TYPE up gauge\nup 1\n");
    FullHttpResponse stats = client.get("/stats/summary");
    assertThat(stats.status().code()).isEqualTo(200);
    assertThat(TestStreamClient.text(stats.content())).isEqualTo("{\"answer\":42}");
    assertThat(client.get("/stats/other").status().code()).isEqualTo(404);
    reviews.tokens.put(
        "scraper", new io.kuark.agent.api.auth.Caller("prometheus", null, List.of()));
    reviews.grant("prometheus", "get", "metrics");
    try (TestStreamClient noCert = new TestStreamClient(port, null)) {
      var get = io.netty.handler.codec.http.HttpMethod.GET;
      assertThat(noCert.request(get, "/metrics", "scraper").status().code()).isEqualTo(200);
      assertThat(noCert.request(get, "/stats/summary", "scraper").status().code()).isEqualTo(403);
    }
  }

  @Test
  void unreachableApiServerMeans401ForTokensAnd500ForAuthorization() throws Exception {
    reviews.unreachable = true;
    try (TestStreamClient noCert = new TestStreamClient(port, null)) {
      assertThat(
              noCert
                  .request(io.netty.handler.codec.http.HttpMethod.GET, "/healthz", "any")
                  .status()
                  .code())
          .isEqualTo(401);
    }
    FullHttpResponse error = client.get("/healthz");
    assertThat(error.status().code()).isEqualTo(500);
    assertThat(TestStreamClient.text(error.content()))
        .startsWith("Authorization error (user=kube-apiserver-kubelet-client, verb=get");
  }

  @Test
  void servesContainerLogsWithUpstreamErrors() throws Exception {
    Path logs = dir.resolve("ns_web_u1").resolve("app");
    Files.createDirectories(logs);
    Files.writeString(logs.resolve("0.log"), "2026-11-27T07:00:00Z stdout F first run\n");
    Files.writeString(
        logs.resolve("1.log"),
        "2026-11-27T07:01:00Z stdout F a\n2026-11-27T07:01:01Z stderr F b\n");
    FullHttpResponse current = client.get("/containerLogs/ns/web/app?tailLines=1");
    assertThat(current.status().code()).isEqualTo(200);
    assertThat(TestStreamClient.text(current.content())).isEqualTo("b\n");
    assertThat(
            TestStreamClient.text(client.get("/containerLogs/ns/web/app?previous=true").content()))
        .isEqualTo("first run\n");

    FullHttpResponse wrong = client.get("/containerLogs/ns/web/nope");
    assertThat(wrong.status().code()).isEqualTo(400);
    JsonNode status = StatusReplies.JSON.readTree(TestStreamClient.text(wrong.content()));
    assertThat(status.path("message").asText())
        .isEqualTo("container nope is not valid for pod web");
    assertThat(client.get("/containerLogs/ns/gone/app").status().code()).isEqualTo(404);
    assertThat(client.get("/containerLogs/ns/web/app?tailLines=-1").status().code()).isEqualTo(400);
  }

  @Test
  void attachStreamsNewOutputUntilTheContainerMovesOn() throws Exception {
    Path logs = dir.resolve("ns_web_u1").resolve("app");
    Files.createDirectories(logs);
    Path current = logs.resolve("0.log");
    Files.writeString(current, "2026-11-27T07:00:00Z stdout F old line\n");
    TestStreamClient.WebSocketSession ws =
        client.webSocket("/attach/ns/web/app?stdout=true&stderr=true", "v5.channel.k8s.io");
    // The attach only shows what is written after it started: write until something arrives.
    String first = null;
    while (first == null) {
      Files.writeString(
          current, "2026-11-27T07:00:01Z stdout F tick\n", java.nio.file.StandardOpenOption.APPEND);
      Object item = ws.received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (item instanceof byte[] message && message[0] == 1 && message.length > 1) {
        first = new String(message, 1, message.length - 1, StandardCharsets.UTF_8);
      }
    }
    assertThat(first).isEqualTo("tick\n");
    Files.writeString(
        current, "2026-11-27T07:00:02Z stderr F oops\n", java.nio.file.StandardOpenOption.APPEND);
    // A newer attempt's file means the attached container is gone: the session ends.
    Files.writeString(logs.resolve("1.log"), "");
    Map<Integer, String> rest = collect(ws);
    assertThat(rest.get(2)).endsWith("oops\n");
    assertThat(rest.get(1) == null ? "" : rest.get(1)).doesNotContain("old line");
    assertThat(StatusReplies.JSON.readTree(rest.get(3)).path("status").asText())
        .isEqualTo("Success");
  }

  @Test
  void execOverWebSocketV5WithStdinCloseSignal() throws Exception {
    TestStreamClient.WebSocketSession ws =
        client.webSocket(execPath(), "v5.channel.k8s.io", "v4.channel.k8s.io");
    assertThat(ws.protocol).isEqualTo("v5.channel.k8s.io");
    ws.send(ChannelFraming.frame(0, "hi\n".getBytes(StandardCharsets.UTF_8)));
    ws.send(new byte[] {(byte) 255, 0});
    Map<Integer, String> channels = collect(ws);
    assertThat(channels.get(1)).isEqualTo("out hi\n");
    assertThat(channels.get(2)).isEqualTo("err\n");
    assertExitCode(channels.get(3), 3);
  }

  @Test
  void execOverWebSocketV4() throws Exception {
    TestStreamClient.WebSocketSession ws = client.webSocket(execPath(), "v4.channel.k8s.io");
    ws.send(ChannelFraming.frame(0, "v4\n".getBytes(StandardCharsets.UTF_8)));
    Map<Integer, String> channels = collect(ws);
    assertThat(channels.get(1)).isEqualTo("out v4\n");
    assertExitCode(channels.get(3), 3);
  }

  @Test
  void execOverSpdy() throws Exception {
    TestStreamClient.SpdySession spdy = client.spdy(execPath(), "v4.channel.k8s.io");
    int error = spdy.open(Map.of("streamtype", "error"));
    int stdin = spdy.open(Map.of("streamtype", "stdin"));
    int stdout = spdy.open(Map.of("streamtype", "stdout"));
    int stderr = spdy.open(Map.of("streamtype", "stderr"));
    spdy.send(stdin, "spdy\n".getBytes(StandardCharsets.UTF_8), true);
    Map<Integer, ByteArrayOutputStream> streams = new HashMap<>();
    int replies = 0;
    Object item;
    while ((item = spdy.next()) != TestStreamClient.END) {
      if (item instanceof SpdySynReplyFrame) {
        replies++;
      } else if (item instanceof SpdyDataFrame data) {
        streams
            .computeIfAbsent(data.streamId(), k -> new ByteArrayOutputStream())
            .writeBytes(io.netty.buffer.ByteBufUtil.getBytes(data.content()));
      }
      io.netty.util.ReferenceCountUtil.release(item);
    }
    assertThat(replies).isEqualTo(4);
    assertThat(streams.get(stdout).toString(StandardCharsets.UTF_8)).isEqualTo("out spdy\n");
    assertThat(streams.get(stderr).toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
    assertExitCode(streams.get(error).toString(StandardCharsets.UTF_8), 3);
  }

  @Test
  void execRefusesUnsupportedRequestsBeforeUpgrading() {
    assertThatThrownBy(() -> client.webSocket(execPath() + "&tty=true", "v5.channel.k8s.io"))
        .hasMessageContaining("tty and stderr cannot both be true");
    assertThatThrownBy(
            () ->
                client.webSocket("/exec/ns/web/nope?command=true&stdout=true", "v5.channel.k8s.io"))
        .hasMessageContaining("container nope is not valid for pod web");
  }

  @Test
  void portForwardOverSpdy() throws Exception {
    int target = startEcho();
    TestStreamClient.SpdySession spdy = client.spdy("/portForward/ns/web", "portforward.k8s.io");
    assertThat(forward(spdy, target, "hello")).isEqualTo("hello");
    // A second connection on the same session.
    assertThat(forward(spdy, target, "again")).isEqualTo("again");
  }

  @Test
  void portForwardOverTunnelledWebSocket() throws Exception {
    int target = startEcho();
    TestStreamClient.SpdySession spdy = client.spdyOverWebSocket("/portForward/ns/web");
    assertThat(forward(spdy, target, "tunnel")).isEqualTo("tunnel");
  }

  @Test
  void portForwardReportsAFailedConnectOnTheErrorStream() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    TestStreamClient.SpdySession spdy = client.spdy("/portForward/ns/web", "portforward.k8s.io");
    int error = spdy.open(Map.of("streamtype", "error", "port", "" + closedPort, "requestid", "0"));
    spdy.open(Map.of("streamtype", "data", "port", "" + closedPort, "requestid", "0"));
    String message = readStream(spdy, error);
    assertThat(message).contains("error forwarding port " + closedPort);
  }

  /** One forwarded connection: sends text, half-closes, returns what came back. */
  private static String forward(TestStreamClient.SpdySession spdy, int target, String text)
      throws Exception {
    String request = "r" + text;
    spdy.open(Map.of("streamtype", "error", "port", "" + target, "requestid", request));
    int data = spdy.open(Map.of("streamtype", "data", "port", "" + target, "requestid", request));
    spdy.send(data, text.getBytes(StandardCharsets.UTF_8), true);
    return readStream(spdy, data);
  }

  /** Reads a stream's data until its FIN. */
  static String readStream(TestStreamClient.SpdySession spdy, int stream) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      Object item = spdy.next();
      if (item == TestStreamClient.END) {
        throw new AssertionError("session closed before stream " + stream + " ended");
      }
      if (item instanceof SpdyDataFrame frame && frame.streamId() == stream) {
        out.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(frame.content()));
        boolean last = frame.isLast();
        frame.release();
        if (last) {
          return out.toString(StandardCharsets.UTF_8);
        }
      } else if (item instanceof SpdyFrame f) {
        io.netty.util.ReferenceCountUtil.release(f);
      }
    }
  }

  private static String execPath() {
    return "/exec/ns/web/app?command=sh&command=-c&command="
        + java.net.URLEncoder.encode(SCRIPT, StandardCharsets.UTF_8)
        + "&stdin=true&stdout=true&stderr=true";
  }

  static Map<Integer, String> collect(TestStreamClient.WebSocketSession ws) throws Exception {
    Map<Integer, ByteArrayOutputStream> channels = new HashMap<>();
    Object item;
    while ((item = ws.next()) != TestStreamClient.END) {
      byte[] message = (byte[]) item;
      channels
          .computeIfAbsent(message[0] & 0xff, k -> new ByteArrayOutputStream())
          .write(message, 1, message.length - 1);
    }
    Map<Integer, String> text = new HashMap<>();
    channels.forEach((k, v) -> text.put(k, v.toString(StandardCharsets.UTF_8)));
    return text;
  }

  static void assertExitCode(String statusJson, int code) throws IOException {
    JsonNode status = StatusReplies.JSON.readTree(statusJson);
    assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
    assertThat(status.path("details").path("causes").get(0).path("message").asText())
        .isEqualTo(Integer.toString(code));
  }

  /** A loopback server that echoes each connection's bytes back once the client half-closes. */
  private int startEcho() throws IOException {
    echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    echoThread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try (Socket s = echo.accept()) {
                  byte[] all = s.getInputStream().readAllBytes();
                  s.getOutputStream().write(all);
                } catch (IOException e) {
                  return;
                }
              }
            });
    echoThread.start();
    return echo.getLocalPort();
  }

  /** "Containers" are the host: exec runs the command as a host process (tests only). */
  private static final class HostProcessRuntime implements ContainerRuntime {
    @Override
    public ExecProcess execInteractive(String id, List<String> command, boolean tty)
        throws IOException {
      Process process = new ProcessBuilder(command).start();
      return new ExecProcess() {
        @Override
        public OutputStream stdin() {
          return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
          return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
          return process.getErrorStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
          return process.waitFor();
        }

        @Override
        public void kill() {
          process.destroyForcibly();
        }
      };
    }

    @Override
    public ContainerStatus status(String id) {
      return new ContainerStatus(ContainerStatus.State.RUNNING, 1, 0, null, null, false, null);
    }

    @Override
    public Path bundle(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String version() {
      return "host://test";
    }

    @Override
    public void start(String id, Path bundle, Path logFile) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void stop(String id, Duration grace) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void remove(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> list() {
      return List.of();
    }

    @Override
    public void reattach(String id, Path logFile) {}

    @Override
    public int exec(String id, List<String> command, Duration timeout) {
      throw new UnsupportedOperationException();
    }
  }
}
