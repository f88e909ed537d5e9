package io.kuark.server.api.proxy;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.MultiMap;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Serves the pod subresources the node agent answers: {@code pods/log} streams the agent's response
 * body (chunked, so {@code follow} works); {@code pods/exec}, {@code pods/attach} and {@code
 * pods/portforward} forward the upgrade request (SPDY/3.1 or WebSocket) and, once the agent
 * switches protocols, relay its 101 response and pipe raw bytes both ways until either side closes
 * ({@link ClientTunnel}).
 */
public final class PodStreamProxy {

  private static final Logger LOG = Logger.getLogger(PodStreamProxy.class);

  private static final Set<String> SUBRESOURCES = Set.of("log", "exec", "attach", "portforward");

  /** Request headers that belong to this hop or to the caller's identity, never forwarded. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "authorization", "cookie", "content-length", "proxy-authorization");

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "upgrade", "keep-alive", "te", "trailer", "transfer-encoding");

  private final PodStreamTargets targets;
  private final KubeletClient kubelets;
  private final WorkerExecutor workers;
  private final NodeProxy nodes;

  public PodStreamProxy(
      ObjectStore store, ResourceCatalog catalog, KubeletClient kubelets, WorkerExecutor workers) {
    this.targets = new PodStreamTargets(store, catalog);
    this.kubelets = kubelets;
    this.workers = workers;
    this.nodes = new NodeProxy(store, catalog, kubelets, workers);
  }

  /**
   * Whether this proxy serves the request: a core pod's streaming subresource, or {@code
   * nodes/proxy} ({@link NodeProxy}).
   */
  public static boolean serves(RequestInfo info, ResourceType type) {
    return type.isCore()
            && type.plural().equals("pods")
            && info.hasName()
            && SUBRESOURCES.contains(info.subresource())
        || NodeProxy.serves(info, type);
  }

  /**
   * Serves {@code rc}; a failure before anything was written goes to {@code onError}, which writes
   * the Status.
   */
  public void serve(RoutingContext rc, RequestInfo info, Consumer<Throwable> onError) {
    if (NodeProxy.serves(info, null)) {
      nodes.serve(rc, info, onError);
      return;
    }
    HttpMethod method = rc.request().method();
    boolean log = info.subresource().equals("log");
    if (log ? method != HttpMethod.GET : method != HttpMethod.GET && method != HttpMethod.POST) {
      onError.accept(Statuses.methodNotAllowed(method.name()));
      return;
    }
    if (!log && !(isUpgrade(rc.request()) && ClientTunnel.supports(rc.request()))) {
      onError.accept(Statuses.badRequest("Upgrade request required"));
      return;
    }
    MultiMap query = rc.queryParams();
    workers
        .<Optional<KubeletTarget>>executeBlocking(
            () -> targets.resolve(info.subresource(), info.namespace(), info.name(), query), false)
        .onFailure(onError::accept)
        .onSuccess(
            target -> {
              if (log) {
                streamLog(rc, info, target, onError);
              } else {
                tunnel(rc, target.orElseThrow(), onError);
              }
            });
  }

  private void streamLog(
      RoutingContext rc,
      RequestInfo info,
      Optional<KubeletTarget> target,
      Consumer<Throwable> onError) {
    HttpServerResponse response = rc.response();
    if (target.isEmpty()) {
      // Upstream answers logs of a pod without a node with an empty body.
      response.setStatusCode(200).putHeader("Content-Type", "text/plain").end();
      return;
    }
    kubelets
        .request(HttpMethod.GET, target.get(), forwardedHeaders(rc.request(), false))
        .compose(
            req -> {
              response.closeHandler(v -> req.reset());
              return req.send();
            })
        .onFailure(e -> onError.accept(dialFailure(e)))
        .onSuccess(
            agent -> {
              if (agent.statusCode() < 200 || agent.statusCode() > 206) {
                agent
                    .body()
                    .onSuccess(
                        body ->
                            onError.accept(
                                AgentErrors.toStatus(agent.statusCode(), body.toString(), info)))
                    .onFailure(e -> onError.accept(dialFailure(e)));
                return;
              }
              String type = agent.getHeader("Content-Type");
              response
                  .setStatusCode(200)
                  .setChunked(true)
                  .putHeader("Content-Type", type == null ? "text/plain" : type)
                  .putHeader("Cache-Control", "no-cache, private");
              agent.pipeTo(response);
            });
  }

  private void tunnel(RoutingContext rc, KubeletTarget target, Consumer<Throwable> onError) {
    // Always GET towards the agent: upstream's kubelet takes GET and POST alike, and HTTP servers
    // that tunnel only GET upgrades (such as Vert.x's) then work too.
    kubelets
        .request(HttpMethod.GET, target, forwardedHeaders(rc.request(), true))
        .compose(HttpClientRequest::connect)
        .onFailure(e -> onError.accept(dialFailure(e)))
        .onSuccess(
            agent -> {
              if (agent.statusCode() != 101) {
                relay(rc.response(), agent);
                return;
              }
              switchProtocols(rc, agent);
            });
  }

  /** Relays the agent's 101 to the client, then pipes bytes both ways until one side closes. */
  private static void switchProtocols(RoutingContext rc, HttpClientResponse agentResponse) {
    NetSocket agent = agentResponse.netSocket();
    agent.pause();
    ClientTunnel.open(rc.request(), agentResponse.headers(), agent);
  }

  /** A non-101 answer to an upgrade request goes back to the client as the agent sent it. */
  private static void relay(HttpServerResponse response, HttpClientResponse agent) {
    agent
        .body()
        .onComplete(
            ar -> {
              if (response.ended() || response.closed()) {
                return;
              }
              String type = agent.getHeader("Content-Type");
              response.setStatusCode(agent.statusCode());
              if (type != null) {
                response.putHeader("Content-Type", type);
              }
              response.end(ar.succeeded() ? ar.result() : io.vertx.core.buffer.Buffer.buffer());
            });
  }

  static boolean isUpgrade(HttpServerRequest request) {
    String connection = request.getHeader("Connection");
    return connection != null
        && connection.toLowerCase(Locale.ROOT).contains("upgrade")
        && request.getHeader("Upgrade") != null;
  }

  /** The client's headers minus this hop's and the caller's credentials. */
  static MultiMap forwardedHeaders(HttpServerRequest request, boolean upgrade) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (NOT_FORWARDED.contains(name)
          || name.startsWith("impersonate-")
          || (!upgrade && HOP_BY_HOP.contains(name))) {
        continue;
      }
      out.add(h.getKey(), h.getValue());
    }
    if (upgrade) {
      // Only the upgrade is asked of the agent (e.g. not "keep-alive, Upgrade").
      out.set("Connection", "Upgrade");
    }
    return out;
  }

  static ApiException dialFailure(Throwable e) {
    ApiException error =
        Statuses.failure(500, "", "error dialing backend: " + e.getMessage(), null);
    error.status().remove("reason");
    return error;
  }
}
