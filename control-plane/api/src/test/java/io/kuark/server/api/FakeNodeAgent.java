package io.kuark.server.api;

import io.kuark.server.auth.pki.CertificateAuthority;
import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import io.kuark.server.auth.pki.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A stand-in for the node agent's HTTPS API in tests: a self-signed serving certificate, client
 * certificates required and checked against the cluster CA. {@code /containerLogs/...} answers two
 * lines (container {@code waiting}: a 400 as the kubelet sends it; {@code follow=true}: one line,
 * then holds the stream open until {@link #finishFollow}); {@code /exec}, {@code /attach} and
 * {@code /portForward} upgrade requests are answered with 101 (echoing the protocol headers) and
 * then echo every byte back.
 */
final class FakeNodeAgent implements AutoCloseable {

  /** One request the agent saw. */
  record Seen(String method, String uri, String clientSubject, Map<String, String> headers) {}

  private final HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, HttpServerResponse> following = new ConcurrentHashMap<>();

  FakeNodeAgent(Vertx vertx, X509Certificate clusterCa) {
    IssuedCertificate serving =
        CertificateAuthority.create("fake-agent-ca")
            .issueServing("fake-agent", List.of("localhost"), List.of("127.0.0.1"));
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(0)
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(Pem.encode(serving.key())))
                    .setCertValue(Buffer.buffer(Pem.encode(serving.certificate()))))
            .setTrustOptions(
                new PemTrustOptions().addCertValue(Buffer.buffer(Pem.encode(clusterCa))))
            .setClientAuth(ClientAuth.REQUIRED);
    server =
        vertx
            .createHttpServer(options)
            .requestHandler(this::handle)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  int port() {
    return server.actualPort();
  }

  /** Ends the held {@code follow} stream of {@code container} with a last line. */
  void finishFollow(String container) {
    HttpServerResponse r = following.remove(container);
    if (r != null) {
      r.end("last line\n");
    }
  }

  private void handle(HttpServerRequest req) {
    Map<String, String> headers = new ConcurrentHashMap<>();
    req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
    seen.add(new Seen(req.method().name(), req.uri(), subject(req), headers));
    String path = req.path();
    if (path.startsWith("/containerLogs/")) {
      String container = path.substring(path.lastIndexOf('/') + 1);
      if (container.equals("waiting")) {
        req.response()
            .setStatusCode(400)
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("container \"waiting\" in pod \"p\" is waiting to start: ContainerCreating");
        return;
      }
      HttpServerResponse r =
          req.response().setChunked(true).putHeader("Content-Type", "text/plain");
      if ("true".equals(req.getParam("follow"))) {
        following.put(container, r);
        r.write("first line\n");
        return;
      }
      r.write("line 1 of " + container + "\n");
      r.end("line 2\n");
      return;
    }
    if (path.startsWith("/exec/")
        || path.startsWith("/attach/")
        || path.startsWith("/portForward/")) {
      if (path.endsWith("/refused")) {
        req.response().setStatusCode(403).end("Forbidden (user=x, verb=create, resource=nodes)");
        return;
      }
      String upgrade = req.getHeader("Upgrade");
      req.response().putHeader("Connection", "Upgrade").putHeader("Upgrade", upgrade);
      String protocol = req.getHeader("X-Stream-Protocol-Version");
      if (protocol != null) {
        req.response().putHeader("X-Stream-Protocol-Version", protocol.split(",")[0].trim());
      }
      String wsProtocol = req.getHeader("Sec-WebSocket-Protocol");
      if (wsProtocol != null) {
        req.response().putHeader("Sec-WebSocket-Protocol", wsProtocol.split(",")[0].trim());
      }
      req.toNetSocket().onSuccess(socket -> socket.handler(socket::write).closeHandler(v -> {}));
      return;
    }
    if (path.equals("/stats/summary")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"node\":{\"nodeName\":\"node-a\"},\"query\":\"" + req.query() + "\"}");
      return;
    }
    if (path.equals("/metrics") && req.method().name().equals("POST")) {
      req.bodyHandler(b -> req.response().setStatusCode(405).end("no POST: " + b.toString()));
      return;
    }
    req.response().setStatusCode(404).end("404 page not found\n");
  }

  private static String subject(HttpServerRequest req) {
    try {
      return ((X509Certificate) req.connection().peerCertificates().get(0))
          .getSubjectX500Principal()
          .getName();
    } catch (SSLPeerUnverifiedException e) {
      return "";
    }
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }
}
