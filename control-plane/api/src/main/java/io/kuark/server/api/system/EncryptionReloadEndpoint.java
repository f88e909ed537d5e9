package io.kuark.server.api.system;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.encryption.EncryptionReload;
import io.kuark.server.api.store.encryption.SecretsRewriter;
import io.kuark.server.storage.StorageException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /kuark/v1/secrets-encrypt/reload}: reloads the EncryptionConfiguration file and
 * rewrites every encrypted value with its first key ({@code kuark secrets-encrypt rotate} calls
 * it). A non-resource path: RBAC lets only holders of {@code post} on it through (cluster-admin),
 * before this runs. The answer is a {@code Status} whose details count what was rewritten.
 */
public final class EncryptionReloadEndpoint {

  public static final String PATH = "/kuark/v1/secrets-encrypt/reload";

  private final EncryptionReload reload;

  public EncryptionReloadEndpoint(EncryptionReload reload) {
    this.reload = reload;
  }

  /** Serves the request; the rewrite runs on a worker thread, never on the event loop. */
  public void handle(RoutingContext rc) {
    if (!rc.request().method().name().equals("POST")) {
      send(rc, Statuses.methodNotAllowed(rc.request().method().name()));
      return;
    }
    rc.vertx()
        .<ObjectNode>executeBlocking(this::reloadNow, false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                send(rc, 200, ar.result());
              } else if (ar.cause() instanceof ApiException e) {
                send(rc, e);
              } else {
                send(rc, Statuses.internal("reloading the encryption configuration failed"));
              }
            });
  }

  private ObjectNode reloadNow() {
    SecretsRewriter.Result result;
    try {
      result = reload.reload();
    } catch (IllegalArgumentException e) {
      throw Statuses.badRequest("invalid encryption configuration: " + e.getMessage());
    } catch (StorageException e) {
      throw Statuses.internal("rewriting stored values failed: " + e.getMessage());
    }
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    status.put(
        "message",
        "encryption configuration reloaded: "
            + result.rewritten()
            + " values rewritten with the first key, "
            + result.unreadable()
            + " unreadable");
    ObjectNode details = status.putObject("details");
    details.put("rewritten", result.rewritten());
    details.put("unreadable", result.unreadable());
    return status;
  }

  private static void send(RoutingContext rc, ApiException e) {
    send(rc, e.code(), e.status());
  }

  private static void send(RoutingContext rc, int code, ObjectNode body) {
    if (rc.response().ended()) {
      return;
    }
    rc.response()
        .setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(Json.bytes(body)));
  }
}
