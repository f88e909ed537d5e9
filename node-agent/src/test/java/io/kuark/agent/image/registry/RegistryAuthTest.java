package io.kuark.agent.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authentication handshake against a small registry double on loopback: a Bearer challenge
 * answered from the token realm (anonymously or with pull-secret credentials), a Basic challenge,
 * and a refusal carrying the registry's reason.
 */
class RegistryAuthTest {

  private static final String BASIC =
      "Basic "
          + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
          .getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private String host;
  private final List<String> tokenQueries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host = "127.0.0.1:" + server.getAddress().getPort();
    server.createContext(
        "/token",
        ex -> {
          tokenQueries.add(ex.getRequestURI().getRawQuery());
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          boolean anonymous = auth == null;
          if (!anonymous && !auth.equals(BASIC)) {
            reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad login\"}]}");
            return;
          }
          reply(ex, 200, "{\"token\":\"" + (anonymous ? "anon" : "alice-token") + "\"}");
        });
    server.createContext(
        "/v2/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          if (path.startsWith("/v2/basic/")) {
            if (!BASIC.equals(auth)) {
              ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"reg\"");
              reply(ex, 401, "");
              return;
            }
          } else {
            String wanted = path.startsWith("/v2/private/") ? "Bearer alice-token" : "Bearer anon";
            if (!wanted.equals(auth)) {
              ex.getResponseHeaders()
                  .add(
                      "WWW-Authenticate",
                      "Bearer realm=\"http://"
                          + host
                          + "/token\",service=\"double\",scope=\"repository:"
                          + path.split("/")[2]
                          + ":pull\"");
              reply(
                  ex,
                  401,
                  "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
              return;
            }
          }
          ex.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
          ex.sendResponseHeaders(200, MANIFEST.length);
          ex.getResponseBody().write(MANIFEST);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  @Test
  void anonymousBearerTokenFromTheChallengeRealm() throws IOException {
    RegistryClient.Manifest m =
        new RegistryClient(Set.of()).session(host, "public", null).manifest("1");
    assertArrayEquals(MANIFEST, m.bytes());
    assertEquals(RegistryClient.OCI_MANIFEST, m.mediaType());
    assertEquals(List.of("service=double&scope=repository%3Apublic%3Apull"), tokenQueries);
  }

  @Test
  void bearerTokenWithPullSecretCredentials() throws IOException {
    String dockerConfig =
        "{\"auths\":{\"http://"
            + host
            + "/v1/\":{\"auth\":\""
            + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8))
            + "\"}}}";
    Optional<Credentials> credentials = Credentials.fromDockerConfig(dockerConfig, host);
    assertEquals(Optional.of(new Credentials("alice", "s3cret")), credentials);
    RegistryClient.Manifest m =
        new RegistryClient(Set.of()).session(host, "private", credentials.get()).manifest("1");
    assertArrayEquals(MANIFEST, m.bytes());
  }

  @Test
  void basicChallengeAndRefusals() throws IOException {
    RegistryClient client = new RegistryClient(Set.of());
    assertArrayEquals(
        MANIFEST,
        client.session(host, "basic", new Credentials("alice", "s3cret")).manifest("1").bytes());
    RegistryException noSecret =
        assertThrows(
            RegistryException.class, () -> client.session(host, "basic", null).manifest("1"));
    assertTrue(noSecret.getMessage().contains("authentication required"), noSecret.getMessage());
    RegistryException badLogin =
        assertThrows(
            RegistryException.class,
            () -> client.session(host, "private", new Credentials("alice", "nope")).manifest("1"));
    assertTrue(badLogin.getMessage().contains("bad login"), badLogin.getMessage());
  }

  @Test
  void loopbackAndListedRegistriesArePlainHttp() {
    RegistryClient client = new RegistryClient(Set.of("registry.lan:5000"));
    assertEquals("http://127.0.0.1:5000", client.baseUrl("127.0.0.1:5000"));
    assertEquals("http://localhost:5000", client.baseUrl("localhost:5000"));
    assertEquals("http://[::1]:5000", client.baseUrl("[::1]:5000"));
    assertEquals("http://registry.lan:5000", client.baseUrl("registry.lan:5000"));
    assertEquals("https://quay.io", client.baseUrl("quay.io"));
    assertEquals("https://registry-1.docker.io", client.baseUrl("docker.io"));
    assertEquals("docker.io", Credentials.host("https://index.docker.io/v1/"));
  }

  @Test
  void challengeParsing() {
    Challenge c =
        Challenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"");
    assertEquals("bearer", c.scheme());
    assertEquals("https://auth.example/token", c.param("realm"));
    assertEquals("registry.example", c.param("service"));
    assertEquals("repository:a/b:pull,push", c.param("scope"));
  }
}
