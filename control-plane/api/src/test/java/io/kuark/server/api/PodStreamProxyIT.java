package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pods/log, pods/exec, pods/attach and pods/portforward through the real API server to a fake node
 * agent: the agent sees the kubelet client certificate and upstream's kubelet paths, logs stream
 * through (also with follow), upgrades are relayed and bytes piped both ways unchanged.
 */
class PodStreamProxyIT {

  static TestApiServer api;
  static KubernetesClient client;
  static FakeNodeAgent agent;
  static RawClient raw;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    client = api.client();
    raw = new RawClient(api, true);
    agent = new FakeNodeAgent(api.vertx, api.pki.ca().certificate());
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build())
        .create();
    // Addresses and the agent port are status: set them through the status subresource.
    client
        .nodes()
        .withName("node-a")
        .editStatus(
            n ->
                new NodeBuilder(n)
                    .editOrNewStatus()
                    .addNewAddress()
                    .withType("Hostname")
                    .withAddress("localhost")
                    .endAddress()
                    .addNewAddress()
                    .withType("InternalIP")
                    .withAddress("127.0.0.1")
                    .endAddress()
                    .withNewDaemonEndpoints()
                    .withNewKubeletEndpoint()
                    .withPort(agent.port())
                    .endKubeletEndpoint()
                    .endDaemonEndpoints()
                    .endStatus()
                    .build());
    api.createDefaultServiceAccount("default");
    pod("p", "node-a", Map.of(), "app");
    pod("two", "node-a", Map.of(), "a", "b");
    pod("annotated", "node-a", Map.of("kubectl.kubernetes.io/default-container", "b"), "a", "b");
    pod("unbound", null, Map.of(), "app");
    pod("lost", "node-missing", Map.of(), "app");
  }

  @AfterAll
  static void stop() {
    client.close();
    agent.close();
    api.close();
  }

  static void pod(String name, String node, Map<String, String> annotations, String... containers) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec();
    for (String c : containers) {
      b.editSpec().addNewContainer().withName(c).withImage("busybox").endContainer().endSpec();
    }
    Pod pod = b.build();
    client.pods().inNamespace("default").resource(pod).create();
  }

  @Test
  void logsComeFromTheAgentOfThePodsNodeWithTheKubeletClientCertificate() {
    String log = client.pods().inNamespace("default").withName("p").getLog();
    assertThat(log).isEqualTo("line 1 of app\nline 2\n");
    FakeNodeAgent.Seen seen = last("/containerLogs/default/p/app");
    assertThat(seen.clientSubject())
        .contains("CN=kube-apiserver-kubelet-client", "O=system:masters");
    assertThat(seen.headers()).doesNotContainKey("authorization");
  }

  @Test
  void logQueryParametersAreForwarded() {
    HttpResponse<String> r =
        raw.get(
            "/api/v1/namespaces/default/pods/two/log?container=b&tailLines=5&timestamps=true"
                + "&limitBytes=100");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("line 1 of b\nline 2\n");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain");
    last("/containerLogs/default/two/b?limitBytes=100&tailLines=5&timestamps=true");
  }

  @Test
  void followStreamsLinesAsTheAgentWritesThem() throws IOException {
    try (LogWatch watch =
        client.pods().inNamespace("default").withName("annotated").inContainer("a").watchLog()) {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8));
      // The first line arrives while the agent still holds the response open.
      assertThat(lines.readLine()).isEqualTo("first line");
      agent.finishFollow("a");
      assertThat(lines.readLine()).isEqualTo("last line");
      assertThat(lines.readLine()).isNull();
    }
    last("/containerLogs/default/annotated/a?follow=true");
  }

  @Test
  void containerDefaultsAsUpstream() throws IOException {
    assertThat(raw.get("/api/v1/namespaces/default/pods/annotated/log").body())
        .isEqualTo("line 1 of b\nline 2\n");
    HttpResponse<String> r = raw.get("/api/v1/namespaces/default/pods/two/log");
    assertStatus(
        r,
        400,
        "BadRequest",
        "a container name must be specified for pod two, choose one of: [a b]");
    assertStatus(
        raw.get("/api/v1/namespaces/default/pods/two/log?container=c"),
        400,
        "BadRequest",
        "container c is not valid for pod two");
  }

  @Test
  void nodesProxyRelaysAnyAgentPathWithTheKubeletClientCertificate() throws IOException {
    HttpResponse<String> summary = raw.get("/api/v1/nodes/node-a/proxy/stats/summary?a=1");
    assertThat(summary.statusCode()).isEqualTo(200);
    assertThat(summary.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(summary.body()).isEqualTo("{\"node\":{\"nodeName\":\"node-a\"},\"query\":\"a=1\"}");
    FakeNodeAgent.Seen seen = last("/stats/summary?a=1");
    assertThat(seen.clientSubject()).contains("CN=kube-apiserver-kubelet-client");
    assertThat(seen.headers()).doesNotContainKey("authorization");
    // Through the typed client as kubectl get --raw does.
    assertThat(client.raw("/api/v1/nodes/node-a/proxy/stats/summary")).contains("\"nodeName\"");
    // The agent's answer, whatever it is, comes back as it was sent.
    HttpResponse<String> missing = raw.get("/api/v1/nodes/node-a/proxy/nothing/here");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("404 page not found\n");
    HttpResponse<String> posted = raw.post("/api/v1/nodes/node-a/proxy/metrics", "{\"x\":1}");
    assertThat(posted.statusCode()).isEqualTo(405);
    assertThat(posted.body()).isEqualTo("no POST: {\"x\":1}");
    assertStatus(
        raw.get("/api/v1/nodes/node-missing/proxy/stats/summary"),
        404,
        "NotFound",
        "nodes \"node-missing\" not found");
  }

  @Test
  void agentErrorsBecomeStatuses() throws IOException {
    pod("w", "node-a", Map.of(), "waiting");
    assertStatus(
        raw.get("/api/v1/namespaces/default/pods/w/log"),
        400,
        "BadRequest",
        "container \"waiting\" in pod \"p\" is waiting to start: ContainerCreating");
    assertThatThrownBy(() -> client.pods().inNamespace("default").withName("w").getLog())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("is waiting to start");
  }

  @Test
  void podsWithoutAReachableNode() throws IOException {
    HttpResponse<String> empty = raw.get("/api/v1/namespaces/default/pods/unbound/log");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
    assertStatus(
        raw.get("/api/v1/namespaces/default/pods/lost/log"),
        404,
        "NotFound",
        "nodes \"node-missing\" not found");
    assertStatus(
        raw.get("/api/v1/namespaces/default/pods/nope/log"),
        404,
        "NotFound",
        "pods \"nope\" not found");
    Map<String, String> upgrade = spdy();
    Upgraded r =
        upgrade(
            "POST", "/api/v1/namespaces/default/pods/unbound/exec?command=sh&stdout=1", upgrade);
    assertThat(r.head).startsWith("HTTP/1.1 400");
    assertThat(r.body).contains("pod unbound does not have a host assigned");
  }

  @Test
  void execWithoutUpgradeOrStreamsIsABadRequest() throws IOException {
    assertStatus(
        raw.post("/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=true", "{}"),
        400,
        "BadRequest",
        "Upgrade request required");
    Upgraded r = upgrade("POST", "/api/v1/namespaces/default/pods/p/exec?command=ls", spdy());
    assertThat(r.head).startsWith("HTTP/1.1 400");
    assertThat(r.body).contains("you must specify at least 1 of stdin, stdout, stderr");
  }

  @Test
  void execOverSpdyIsRelayedAndPipedBothWays() throws IOException {
    try (SSLSocket socket = open()) {
      send(
          socket,
          "POST",
          "/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c&command=echo%20hi"
              + "&stdin=true&stdout=true&stderr=false&tty=false",
          spdy());
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(head.toLowerCase())
          .contains("upgrade: spdy/3.1", "x-stream-protocol-version: v4.channel.k8s.io");
      FakeNodeAgent.Seen seen =
          last("/exec/default/p/app?command=sh&command=-c&command=echo+hi&stdin=1&stdout=1");
      // The agent is asked with GET, which upstream's kubelet takes like POST.
      assertThat(seen.method()).isEqualTo("GET");
      assertThat(seen.clientSubject()).contains("CN=kube-apiserver-kubelet-client");
      assertThat(seen.headers()).containsEntry("upgrade", "SPDY/3.1");
      assertEchoes(socket, new byte[] {0, 1, 2, (byte) 0xff, (byte) 0x80, '\r', '\n', 7});
      assertEchoes(socket, "a second frame".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void attachAndPortForwardOverWebSocket() throws IOException {
    Map<String, String> ws = new LinkedHashMap<>();
    ws.put("Connection", "Upgrade");
    ws.put("Upgrade", "websocket");
    ws.put("Sec-WebSocket-Version", "13");
    ws.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    ws.put("Sec-WebSocket-Protocol", "v4.channel.k8s.io, v5.channel.k8s.io");
    try (SSLSocket socket = open()) {
      send(socket, "GET", "/api/v1/namespaces/default/pods/two/attach?container=a&stdout=1", ws);
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(head.toLowerCase()).contains("sec-websocket-protocol: v4.channel.k8s.io");
      last("/attach/default/two/a?stdout=1");
      assertEchoes(socket, "attached".getBytes(StandardCharsets.UTF_8));
    }
    ws.put("Sec-WebSocket-Protocol", "v4.channel.k8s.io");
    try (SSLSocket socket = open()) {
      send(socket, "GET", "/api/v1/namespaces/default/pods/two/portforward?ports=80", ws);
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
      assertEchoes(socket, "forwarded".getBytes(StandardCharsets.UTF_8));
    }
    last("/portForward/default/two");
  }

  @Test
  void aRefusedUpgradeIsPassedBackAsTheAgentSentIt() throws IOException {
    pod("r", "node-a", Map.of(), "refused");
    Upgraded r =
        upgrade("POST", "/api/v1/namespaces/default/pods/r/exec?command=ls&stdout=1", spdy());
    assertThat(r.head).startsWith("HTTP/1.1 403");
    assertThat(r.body).contains("Forbidden (user=x, verb=create, resource=nodes)");
  }

  // --- helpers

  private static FakeNodeAgent.Seen last(String uri) {
    List<FakeNodeAgent.Seen> all = agent.seen;
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).uri().equals(uri)) {
        return all.get(i);
      }
    }
    throw new AssertionError("agent never saw " + uri + " but " + all);
  }

  private static void assertStatus(HttpResponse<String> r, int code, String reason, String message)
      throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
    JsonNode status = new ObjectMapper().readTree(r.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo(reason);
    assertThat(status.path("message").asText()).isEqualTo(message);
    assertThat(status.path("code").asInt()).isEqualTo(code);
  }

  private static Map<String, String> spdy() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Connection", "Upgrade");
    h.put("Upgrade", "SPDY/3.1");
    h.put("X-Stream-Protocol-Version", "v4.channel.k8s.io");
    return h;
  }

  record Upgraded(String head, String body) {}

  private static Upgraded upgrade(String method, String path, Map<String, String> headers)
      throws IOException {
    try (SSLSocket socket = open()) {
      send(socket, method, path, headers);
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return new Upgraded(head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
  }

  private static SSLSocket open() throws IOException {
    try {
      SSLSocket s =
          (SSLSocket)
              RawClient.sslContext(api.pki, true)
                  .getSocketFactory()
                  .createSocket("127.0.0.1", api.server.port());
      // Never hang a build: a missing answer fails the test instead.
      s.setSoTimeout(60_000);
      s.startHandshake();
      return s;
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(SSLSocket s, String method, String path, Map<String, String> headers)
      throws IOException {
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    req.append("Host: 127.0.0.1:").append(api.server.port()).append("\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    OutputStream out = s.getOutputStream();
    out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static void assertEchoes(SSLSocket socket, byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    assertThat(socket.getInputStream().readNBytes(bytes.length)).isEqualTo(bytes);
  }
}
