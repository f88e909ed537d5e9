package io.kuark.server.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input on the API port (loopback only): oversized headers, bytes that are not a
 * TLS handshake, malformed bearer tokens and a bounded flood of unauthenticated requests. Each gets
 * a clear refusal and the server keeps serving an authenticated client.
 */
class BadInputIT {

  static TestApiServer api;
  static RawClient admin;
  static SSLContext anonymousTls;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    admin = new RawClient(api, true);
    anonymousTls = RawClient.sslContext(api.pki, false);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** The authenticated client is still served. */
  private static void adminStillServed() {
    HttpResponse<String> r = admin.get("/api/v1/namespaces/default");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** A raw HTTP/1.1 exchange over TLS without a client certificate; returns the whole response. */
  private static String exchange(byte[] request) throws IOException {
    try (SSLSocket socket = (SSLSocket) anonymousTls.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", api.server.port()), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
    }
  }

  private static int statusOf(String response) {
    // Netty answers requests it cannot decode in HTTP/1.0.
    assertThat(response).matches("(?s)HTTP/1\\.[01] .*");
    return Integer.parseInt(response.substring(9, 12));
  }

  private static JsonNode bodyOf(String response) {
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    if (response.toLowerCase().contains("transfer-encoding: chunked")) {
      body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
    }
    return Json.parseBody(body.getBytes(UTF_8), "application/json");
  }

  @Test
  void oversizedHeadersAndRequestLinesAreRefused() throws Exception {
    String big = "a".repeat(64 * 1024);
    String headers =
        exchange(
            ("GET /version HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + big
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(ISO_8859_1));
    assertThat(statusOf(headers)).isEqualTo(431);

    // 2 MB of small headers: refused, possibly before the client has finished sending them.
    String many = ("X-H: " + "v".repeat(200) + "\r\n").repeat(10_000);
    try {
      assertThat(
              statusOf(
                  exchange(
                      ("GET /version HTTP/1.1\r\nHost: localhost\r\n"
                              + many
                              + "Connection: close\r\n\r\n")
                          .getBytes(ISO_8859_1))))
          .isEqualTo(431);
    } catch (java.net.SocketException e) {
      assertThat(e).hasMessageContaining("reset");
    }

    String line =
        exchange(
            ("GET /api/" + big + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(ISO_8859_1));
    assertThat(statusOf(line)).isEqualTo(414);
    adminStillServed();
  }

  @Test
  void bytesThatAreNotATlsHandshakeAreDropped() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 40; i++) {
      byte[] garbage = new byte[1 + random.nextInt(8192)];
      random.nextBytes(garbage);
      if (i % 4 == 0) {
        garbage = "GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(ISO_8859_1);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", api.server.port()), 10_000);
        socket.setSoTimeout(30_000);
        try {
          socket.getOutputStream().write(garbage);
        } catch (IOException e) {
          // The server may close before all of it is written: that is a refusal too.
          continue;
        }
        assertThat(drainUntilClosed(socket.getInputStream()))
            .as("the server closes the connection (at most a TLS alert comes back)")
            .isLessThan(64);
      }
    }
    adminStillServed();
  }

  /** Reads until the peer closes; returns how many bytes came. A timeout fails the test. */
  private static int drainUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept a garbage connection open", e);
    } catch (IOException e) {
      // Reset by the server: closed.
    }
    return got.size();
  }

  @Test
  void malformedBearerTokensGetAnUnauthorizedStatus() throws Exception {
    List<byte[]> values = new ArrayList<>();
    for (String v :
        new String[] {
          "Bearer",
          "Bearer ",
          "Bearer a b c",
          "bearer lowercase-scheme",
          "Basic Zm9vOmJhcg==",
          "Bearer " + "x".repeat(6000),
          "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
          "Bearer eyJhbGciOiJSUzI1NiJ9.!!!not-base64!!!.sig",
          "Bearer ....",
          "Bearer %00%0d%0a",
          // Bytes above ASCII are legal header text (obs-text), but no token.
          "Bearer \u00ff\u00fe",
        }) {
      values.add(v.getBytes(ISO_8859_1));
    }
    for (byte[] value : values) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(
          "GET /api/v1/namespaces HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
              .getBytes(ISO_8859_1));
      request.write(value);
      request.write("\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1));
      String response = exchange(request.toByteArray());
      String shown = new String(value, ISO_8859_1);
      assertThat(statusOf(response)).as(shown + "\n" + response).isEqualTo(401);
      JsonNode status = bodyOf(response);
      assertThat(status.path("kind").asText()).as(shown).isEqualTo("Status");
      assertThat(status.path("reason").asText()).as(shown).isEqualTo("Unauthorized");
      assertThat(status.path("code").asInt()).as(shown).isEqualTo(401);
    }
    // Control characters make the header value malformed: the HTTP layer answers 400 before
    // authentication, as upstream's does.
    for (String bad : new String[] {"Bearer \u0001\u007f", "Bearer a\u0000b"}) {
      String response =
          exchange(
              ("GET /api/v1/namespaces HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                      + bad
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(ISO_8859_1));
      assertThat(statusOf(response)).as(response).isEqualTo(400);
    }
    adminStillServed();
  }

  @Test
  void aFloodOfUnauthenticatedRequestsLeavesAuthenticatedClientsServed() throws Exception {
    HttpClient anonymous =
        HttpClient.newBuilder()
            .sslContext(anonymousTls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    int threads = 16;
    int perThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicBoolean flooding = new AtomicBoolean(true);
    List<Future<int[]>> floods = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      floods.add(
          pool.submit(
              () -> {
                int[] byCode = new int[600];
                for (int i = 0; i < perThread; i++) {
                  HttpRequest req =
                      HttpRequest.newBuilder(
                              URI.create(api.url() + "/api/v1/namespaces/default/secrets"))
                          .header("Authorization", "Bearer flood-" + i)
                          .GET()
                          .build();
                  byCode[
                      anonymous.send(req, HttpResponse.BodyHandlers.discarding()).statusCode()]++;
                }
                return byCode;
              }));
    }
    ExecutorService adminThread = Executors.newSingleThreadExecutor();
    Future<List<Integer>> served =
        adminThread.submit(
            () -> {
              List<Integer> codes = new ArrayList<>();
              while (flooding.get() || codes.isEmpty()) {
                codes.add(admin.get("/api/v1/namespaces/default/configmaps").statusCode());
              }
              return codes;
            });
    int unauthorized = 0;
    for (Future<int[]> f : floods) {
      unauthorized += f.get()[401];
    }
    flooding.set(false);
    List<Integer> adminCodes = served.get();
    pool.shutdown();
    adminThread.shutdown();
    assertThat(unauthorized).isEqualTo(threads * perThread);
    assertThat(adminCodes).isNotEmpty().containsOnly(200);
    HttpResponse<String> ready = admin.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    adminStillServed();
  }
}
