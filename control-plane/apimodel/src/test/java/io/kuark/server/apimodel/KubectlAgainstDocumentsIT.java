package io.kuark.server.apimodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kuark.server.apimodel.discovery.DiscoveryDocuments;
import io.kuark.server.apimodel.discovery.DiscoveryFormat;
import io.kuark.server.apimodel.openapi.OpenApiDocuments;
import io.kuark.server.apimodel.table.MetaMediaType;
import io.kuark.server.apimodel.table.TableConverter;
import io.kuark.server.apimodel.table.TableOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the real kubectl binaries (oldest and newest supported) against a loopback HTTP stub that
 * serves exactly this module's discovery, OpenAPI and Table documents, and checks what kubectl
 * makes of them: api-resources, explain, create with server-side validation, get with tables.
 */
class KubectlAgainstDocumentsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIns();
  private static final DiscoveryDocuments DISCOVERY = new DiscoveryDocuments(CATALOG);
  private static final OpenApiDocuments OPENAPI =
      new OpenApiDocuments(CATALOG, t -> null, "v1.33.0");
  private static final List<String> REQUESTS = Collections.synchronizedList(new ArrayList<>());

  private static HttpServer server;
  private static Path work;

  @BeforeAll
  static void start() throws IOException {
    OPENAPI.v2();
    work = Files.createTempDirectory("kuark-apimodel-kubectl");
    Files.writeString(work.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", KubectlAgainstDocumentsIT::handle);
    server.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.stop(0);
    }
    if (work != null) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    String accept = ex.getRequestHeaders().getFirst("Accept");
    REQUESTS.add(method + " " + ex.getRequestURI());
    try {
      if (method.equals("POST")) {
        byte[] body = ex.getRequestBody().readAllBytes();
        send(ex, 201, body, "application/json");
        return;
      }
      DiscoveryFormat format = DiscoveryFormat.fromAccept(accept);
      if (path.equals("/version")) {
        send(
            ex,
            200,
            "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}"
                .getBytes(StandardCharsets.UTF_8),
            "application/json");
      } else if (path.equals("/api")) {
        json(
            ex,
            format.aggregated() ? DISCOVERY.aggregatedCore(format) : DISCOVERY.apiVersions(null),
            format.contentType());
      } else if (path.equals("/apis")) {
        json(
            ex,
            format.aggregated() ? DISCOVERY.aggregatedGroups(format) : DISCOVERY.apiGroupList(),
            format.contentType());
      } else if (path.startsWith("/openapi/")) {
        Optional<OpenApiDocuments.Response> r = OPENAPI.respond(path, accept);
        if (r.isPresent()) {
          send(ex, 200, r.get().body(), r.get().contentType());
        } else {
          send(ex, 404, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        }
      } else if (path.equals("/api/v1")) {
        json(ex, DISCOVERY.apiResourceList("", "v1").orElseThrow(), "application/json");
      } else if (path.equals("/api/v1/namespaces/default/pods")) {
        MetaMediaType mt = MetaMediaType.negotiate(accept).orElseThrow();
        JsonNode pod =
            JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"demo-1\",\"namespace\":\"default\","
                    + "\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},"
                    + "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.42.0.9\",\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}");
        ObjectNode table =
            new TableConverter()
                .table(
                    CATALOG.find("", "v1", "pods").orElseThrow(),
                    null,
                    List.of(pod),
                    TableOptions.defaults()
                        .withApiVersion(mt.apiVersion())
                        .withListMeta("7", null, null),
                    Instant.now());
        json(ex, table, mt.contentType());
      } else {
        String[] p = path.substring(1).split("/");
        Optional<ObjectNode> doc = Optional.empty();
        if (p.length == 3 && p[0].equals("apis")) {
          doc = DISCOVERY.apiResourceList(p[1], p[2]);
        } else if (p.length == 2 && p[0].equals("apis")) {
          doc = DISCOVERY.apiGroup(p[1]);
        }
        if (doc.isPresent()) {
          json(ex, doc.get(), "application/json");
        } else {
          send(
              ex,
              404,
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                  .getBytes(StandardCharsets.UTF_8),
              "application/json");
        }
      }
    } finally {
      ex.close();
    }
  }

  private static void json(HttpExchange ex, JsonNode doc, String contentType) throws IOException {
    send(ex, 200, JSON.writeValueAsBytes(doc), contentType);
  }

  private static void send(HttpExchange ex, int code, byte[] body, String contentType)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(code, body.length);
    ex.getResponseBody().write(body);
  }

  /** kubectl, or kubectl.1.27 etc. from the directory the kubectl on PATH resolves to. */
  private static String kubectl(String version) throws Exception {
    Process which = new ProcessBuilder("sh", "-c", "readlink -f \"$(command -v kubectl)\"").start();
    String resolved =
        new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    which.waitFor();
    assertThat(resolved).as("kubectl on PATH").isNotEmpty();
    return version.isEmpty()
        ? resolved
        : Path.of(resolved).getParent().resolve("kubectl." + version).toString();
  }

  private static String run(String version, String... args) throws Exception {
    Path cache = Files.createTempDirectory(work, "cache");
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectl(version));
    cmd.add("--server=http://127.0.0.1:" + server.getAddress().getPort());
    cmd.add("--cache-dir=" + cache);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", work.resolve("kubeconfig").toString());
    pb.environment().put("HOME", work.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    assertThat(p.exitValue()).as("kubectl %s exit code, output:%n%s", List.of(args), out).isZero();
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", ""})
  void apiResourcesListsTheCatalog(String version) throws Exception {
    String out = run(version, "api-resources", "-o", "wide");
    assertThat(out).containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment");
    assertThat(out)
        .containsPattern(
            "pods\\s+po\\s+v1\\s+true\\s+Pod\\s+create,delete,deletecollection,get,list,patch,update,watch\\s+all");
    assertThat(out)
        .containsPattern(
            "customresourcedefinitions\\s+crd,crds\\s+apiextensions.k8s.io/v1\\s+false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", ""})
  void explainReadsTheOpenApiDocuments(String version) throws Exception {
    assertThat(run(version, "explain", "pods"))
        .contains("KIND:", "Pod", "A Pod runs one or more containers");
    assertThat(run(version, "explain", "deployments.spec.replicas")).contains("<integer>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", ""})
  void createUsesServerSideFieldValidation(String version) throws Exception {
    Path manifest = work.resolve("pod-" + (version.isEmpty() ? "current" : version) + ".yaml");
    Files.writeString(
        manifest,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox\n");
    REQUESTS.clear();
    assertThat(run(version, "create", "-f", manifest.toString())).contains("pod/p1 created");
    assertThat(REQUESTS)
        .anyMatch(
            r ->
                r.startsWith("POST /api/v1/namespaces/default/pods")
                    && r.contains("fieldValidation=Strict"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", ""})
  void getPrintsTheServerSideTable(String version) throws Exception {
    String out = run(version, "get", "pods", "-n", "default", "-o", "wide");
    assertThat(out)
        .containsPattern(
            "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
    assertThat(out)
        .containsPattern(
            "demo-1\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10.42.0.9\\s+n1\\s+<none>\\s+<none>");
  }
}
