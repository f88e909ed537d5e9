package io.kuark.server.api.proxy;

import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Serves {@code nodes/NAME/proxy/PATH}: relays the request to {@code PATH} on the node's agent (its
 * InternalIP and agent port, with the kubelet client certificate) and streams the agent's answer
 * back with its status, as upstream does for e.g. {@code /stats/summary} and {@code /metrics}. The
 * caller's own credentials are not forwarded; the agent authorizes the API server, and the API
 * server authorized the caller for {@code nodes/proxy}. Protocol upgrades are not relayed here.
 */
final class NodeProxy {

  private final ObjectStore store;
  private final ResourceType nodes;
  private final KubeletClient kubelets;
  private final WorkerExecutor workers;

  NodeProxy(
      ObjectStore store, ResourceCatalog catalog, KubeletClient kubelets, WorkerExecutor workers) {
    this.store = store;
    this.nodes = catalog.find("", "v1", "nodes").orElseThrow();
    this.kubelets = kubelets;
    this.workers = workers;
  }

  /** A request for a named node's proxy subresource ({@code type} may be null: not checked). */
  static boolean serves(RequestInfo info, ResourceType type) {
    return (type == null || type.isCore())
        && info.group().isEmpty()
        && info.resource().equals("nodes")
        && info.hasName()
        && info.subresource().equals("proxy");
  }

  void serve(RoutingContext rc, RequestInfo info, Consumer<Throwable> onError) {
    if (PodStreamProxy.isUpgrade(rc.request())) {
      onError.accept(Statuses.badRequest("upgrade requests are not relayed through nodes/proxy"));
      return;
    }
    String agentPath = agentPath(rc.request().path(), info.name());
    String query = rc.request().query();
    String pathAndQuery = query == null || query.isEmpty() ? agentPath : agentPath + "?" + query;
    Buffer body =
        rc.body() == null || rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    workers
        .<KubeletTarget>executeBlocking(
            () -> {
              var node =
                  store
                      .get(nodes, "", info.name())
                      .orElseThrow(() -> Statuses.notFound(nodes, info.name()))
                      .object();
              return new KubeletTarget(
                  PodStreamTargets.internalIp(node),
                  PodStreamTargets.agentPort(node),
                  pathAndQuery);
            },
            false)
        .onFailure(onError::accept)
        .onSuccess(
            target ->
                kubelets
                    .request(
                        rc.request().method(),
                        target,
                        PodStreamProxy.forwardedHeaders(rc.request(), false))
                    .compose(
                        req -> {
                          rc.response().closeHandler(v -> req.reset());
                          return req.send(body);
                        })
                    .onFailure(e -> onError.accept(PodStreamProxy.dialFailure(e)))
                    .onSuccess(
                        agent -> {
                          HttpServerResponse response = rc.response();
                          response.setStatusCode(agent.statusCode()).setChunked(true);
                          String type = agent.getHeader("Content-Type");
                          if (type != null) {
                            response.putHeader("Content-Type", type);
                          }
                          agent.pipeTo(response);
                        }));
  }

  /** What follows {@code /nodes/NAME/proxy} in the request path ({@code /} when nothing). */
  static String agentPath(String requestPath, String node) {
    String marker = "/nodes/" + node + "/proxy";
    int at = requestPath.indexOf(marker);
    String rest = at < 0 ? "" : requestPath.substring(at + marker.length());
    return rest.isEmpty() ? "/" : rest;
  }
}
