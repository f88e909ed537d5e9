package io.kuark.agent.api.auth;

/**
 * What a request to the agent API asks for, in the terms of the API server's authorizer, mapped as
 * upstream's kubelet does: resource {@code nodes} named after this node, the verb from the HTTP
 * method, subresource {@code stats}, {@code metrics} or {@code log} for those path trees and {@code
 * proxy} for everything else (exec, attach, port-forward, container logs, healthz).
 */
public record KubeletAttributes(String verb, String subresource, String node) {

  /** Maps one request; {@code path} without query. */
  public static KubeletAttributes of(String method, String path, String node) {
    return new KubeletAttributes(verb(method), subresource(path), node);
  }

  /** Upstream's mapping; other methods (HEAD, OPTIONS) get an empty verb nobody is granted. */
  static String verb(String method) {
    return switch (method) {
      case "POST" -> "create";
      case "GET" -> "get";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "";
    };
  }

  static String subresource(String path) {
    if (isSubpath(path, "/stats")) {
      return "stats";
    }
    if (isSubpath(path, "/metrics")) {
      return "metrics";
    }
    if (isSubpath(path, "/logs")) {
      return "log";
    }
    return "proxy";
  }

  private static boolean isSubpath(String path, String root) {
    return path.equals(root) || path.startsWith(root + "/");
  }

  /** Upstream's wording in 403 and authorization-error replies. */
  public String describe(String user) {
    return "user=" + user + ", verb=" + verb + ", resource=nodes, subresource=" + subresource;
  }
}
