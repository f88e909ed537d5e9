package io.kuark.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.system.EncryptionReloadEndpoint;
import io.kuark.server.api.system.HealthChecks;
import io.kuark.server.api.system.RequestMetrics;
import io.kuark.server.api.system.VersionInfo;
import io.kuark.server.apimodel.discovery.DiscoveryDocuments;
import io.kuark.server.apimodel.discovery.DiscoveryFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Non-resource paths: health, version, metrics, discovery ({@code /api}, {@code /apis}, {@code
 * /api/v1}, {@code /apis/G}, {@code /apis/G/V}, aggregated when asked) and OpenAPI.
 */
final class NonResourceHandler {

  private final HealthChecks health;
  private final RequestMetrics metrics;
  private final DiscoveryDocuments discovery;
  private final OpenApiSource openApi;
  private final String serverAddress;
  private String caPem = "";
  private EncryptionReloadEndpoint encryptionReload;

  NonResourceHandler(
      HealthChecks health,
      RequestMetrics metrics,
      DiscoveryDocuments discovery,
      OpenApiSource openApi,
      String serverAddress) {
    this.health = health;
    this.metrics = metrics;
    this.discovery = discovery;
    this.openApi = openApi;
    this.serverAddress = serverAddress;
  }

  /**
   * Serves the cluster CA certificate at {@code /cacerts} (as k3s does): joining agents fetch it
   * without trusting it and compare its SHA-256 with the hash in their join token.
   */
  NonResourceHandler withCaCertificate(String pem) {
    this.caPem = pem;
    return this;
  }

  /** Serves {@link EncryptionReloadEndpoint#PATH} (only when encryption at rest is on). */
  NonResourceHandler withEncryptionReload(EncryptionReloadEndpoint endpoint) {
    this.encryptionReload = endpoint;
    return this;
  }

  /** Paths anonymous clients may read. */
  static boolean isPublic(String path) {
    return path.equals("/healthz")
        || path.equals("/cacerts")
        || path.equals("/livez")
        || path.equals("/readyz")
        || path.equals("/version")
        || path.equals("/version/");
  }

  /** Serves the path if it is a non-resource path; returns false otherwise. */
  boolean handle(RoutingContext rc) {
    String path = rc.request().path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    boolean verbose = rc.request().params().contains("verbose");
    switch (path) {
      case "/healthz":
      case "/livez":
        {
          HealthChecks.Result r = health.livez(verbose, path.substring(1));
          text(rc, r.code(), r.body(), "text/plain; charset=utf-8");
          return true;
        }
      case "/readyz":
        {
          HealthChecks.Result r = health.readyz(verbose);
          text(rc, r.code(), r.body(), "text/plain; charset=utf-8");
          return true;
        }
      case "/version":
        json(rc, 200, VersionInfo.document(), "application/json");
        return true;
      case "/cacerts":
        if (caPem.isEmpty()) {
          return false;
        }
        text(rc, 200, caPem, "text/plain; charset=utf-8");
        return true;
      case EncryptionReloadEndpoint.PATH:
        if (encryptionReload == null) {
          return false;
        }
        encryptionReload.handle(rc);
        return true;
      case "/metrics":
        text(rc, 200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
        return true;
      default:
        break;
    }
    if (!rc.request().method().name().equals("GET")) {
      return false;
    }
    if (path.startsWith("/openapi/")) {
      Optional<OpenApiSource.Document> doc =
          openApi.document(path, rc.request().getHeader("Accept"));
      if (doc.isEmpty()) {
        json(rc, 404, Statuses.notFoundPath().status(), "application/json");
      } else {
        rc.response()
            .setStatusCode(200)
            .putHeader("Content-Type", doc.get().contentType())
            .end(Buffer.buffer(doc.get().body()));
      }
      return true;
    }
    DiscoveryFormat format = DiscoveryFormat.fromAccept(rc.request().getHeader("Accept"));
    String[] parts = path.substring(1).split("/");
    if (path.equals("/api")) {
      if (format.aggregated()) {
        json(rc, 200, discovery.aggregatedCore(format), format.contentType());
      } else {
        json(rc, 200, discovery.apiVersions(serverAddress), "application/json");
      }
      return true;
    }
    if (path.equals("/apis")) {
      if (format.aggregated()) {
        json(rc, 200, discovery.aggregatedGroups(format), format.contentType());
      } else {
        json(rc, 200, discovery.apiGroupList(), "application/json");
      }
      return true;
    }
    if (parts.length == 2 && parts[0].equals("api")) {
      found(rc, discovery.apiResourceList("", parts[1]));
      return true;
    }
    if (parts.length == 2 && parts[0].equals("apis")) {
      found(rc, discovery.apiGroup(parts[1]));
      return true;
    }
    if (parts.length == 3 && parts[0].equals("apis")) {
      found(rc, discovery.apiResourceList(parts[1], parts[2]));
      return true;
    }
    return false;
  }

  private static void found(RoutingContext rc, Optional<? extends JsonNode> doc) {
    if (doc.isPresent()) {
      json(rc, 200, doc.get(), "application/json");
    } else {
      json(rc, 404, Statuses.notFoundPath().status(), "application/json");
    }
  }

  static void json(RoutingContext rc, int code, JsonNode body, String contentType) {
    rc.response()
        .setStatusCode(code)
        .putHeader("Content-Type", contentType)
        .end(Buffer.buffer(Json.bytes(body)));
  }

  static void text(RoutingContext rc, int code, String body, String contentType) {
    rc.response().setStatusCode(code).putHeader("Content-Type", contentType).end(body);
  }
}
