package io.kuark.server.api.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses resource paths {@code /api/v1/...} and {@code /apis/GROUP/VERSION/...}. Non-resource paths
 * ({@code /api}, {@code /apis/GROUP}, {@code /version}, ...) give empty.
 */
public final class RequestInfoParser {

  private RequestInfoParser() {}

  /**
   * @param method HTTP method
   * @param path URL path without query
   * @param watchParam the {@code watch} query parameter, or null
   */
  public static Optional<RequestInfo> parse(String method, String path, String watchParam) {
    List<String> parts = split(path);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String group;
    String version;
    int i;
    if (parts.get(0).equals("api")) {
      if (parts.size() < 3) {
        return Optional.empty();
      }
      group = "";
      version = parts.get(1);
      i = 2;
    } else if (parts.get(0).equals("apis")) {
      if (parts.size() < 4) {
        return Optional.empty();
      }
      group = parts.get(1);
      version = parts.get(2);
      i = 3;
    } else {
      return Optional.empty();
    }
    List<String> rest = new ArrayList<>(parts.subList(i, parts.size()));
    boolean legacyWatch = false;
    if (!rest.isEmpty() && rest.get(0).equals("watch")) {
      legacyWatch = true;
      rest.remove(0);
    }
    String namespace = "";
    if (rest.size() >= 2 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !isNamespaceSubresource(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      } else {
        // /namespaces/NAME[/status|/finalize] is the namespace object itself.
        return Optional.of(
            new RequestInfo(
                verb(method, true, legacyWatch, watchParam),
                group,
                version,
                "",
                "namespaces",
                namespace,
                rest.size() > 2 ? rest.get(2) : ""));
      }
    }
    // Only nodes/NAME/proxy/... takes a path after the subresource (the agent's own path).
    boolean nodeProxyPath =
        rest.size() > 3 && rest.get(0).equals("nodes") && rest.get(2).equals("proxy");
    if (rest.isEmpty() || (rest.size() > 3 && !nodeProxyPath)) {
      return Optional.empty();
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : "";
    String sub = rest.size() > 2 ? rest.get(2) : "";
    return Optional.of(
        new RequestInfo(
            verb(method, !name.isEmpty(), legacyWatch, watchParam),
            group,
            version,
            namespace,
            resource,
            name,
            sub));
  }

  private static boolean isNamespaceSubresource(String part) {
    return part.equals("status") || part.equals("finalize");
  }

  private static String verb(String method, boolean named, boolean legacyWatch, String watchParam) {
    switch (method) {
      case "GET":
      case "HEAD":
        if (legacyWatch || "true".equals(watchParam) || "1".equals(watchParam)) {
          return "watch";
        }
        return named ? "get" : "list";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "PATCH":
        return "patch";
      case "DELETE":
        return named ? "delete" : "deletecollection";
      default:
        return method.toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }
}
