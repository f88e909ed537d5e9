package io.kuark.server.auth.authz;

import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.UserInfo;
import java.util.Locale;

/**
 * What a request asks to do, as the authorizer sees it (upstream's authorizer.Attributes), computed
 * once per request.
 *
 * @param user who asks
 * @param verb get, list, watch, create, update, patch, delete, deletecollection (resource
 *     requests), or the lower-case HTTP method (non-resource requests)
 * @param resourceRequest whether this is a request for an API resource
 * @param namespace namespace, or "" for cluster scope / all namespaces
 * @param apiGroup API group ("" for core)
 * @param apiVersion API version
 * @param resource plural resource name
 * @param subresource subresource or ""
 * @param name object name or ""
 * @param path URL path (non-resource requests)
 */
public record Attributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String namespace,
    String apiGroup,
    String apiVersion,
    String resource,
    String subresource,
    String name,
    String path) {

  public static Attributes resource(UserInfo user, RequestInfo info) {
    return new Attributes(
        user,
        info.verb(),
        true,
        info.namespace(),
        info.group(),
        info.version(),
        info.resource(),
        info.subresource(),
        info.name(),
        "");
  }

  /**
   * A list or watch restricted by {@code fieldSelector=metadata.name=X} is authorized as a request
   * for the object X (upstream's RequestInfo does the same), so rules limited by resourceNames
   * allow {@code kubectl get NAME --watch}.
   */
  public static Attributes resource(UserInfo user, RequestInfo info, String fieldSelector) {
    Attributes a = resource(user, info);
    if (!a.name.isEmpty() || !(a.verb.equals("list") || a.verb.equals("watch"))) {
      return a;
    }
    String name = exactName(fieldSelector);
    return name.isEmpty()
        ? a
        : new Attributes(
            user,
            a.verb,
            true,
            a.namespace,
            a.apiGroup,
            a.apiVersion,
            a.resource,
            a.subresource,
            name,
            "");
  }

  /** X of {@code metadata.name=X} (or {@code ==}) in a field selector, or "". */
  static String exactName(String fieldSelector) {
    if (fieldSelector == null || fieldSelector.isEmpty()) {
      return "";
    }
    for (String term : fieldSelector.split(",")) {
      String t = term.strip();
      for (String prefix : new String[] {"metadata.name==", "metadata.name="}) {
        if (t.startsWith(prefix)) {
          String name = t.substring(prefix.length());
          if (!name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..")) {
            return name;
          }
        }
      }
    }
    return "";
  }

  public static Attributes nonResource(UserInfo user, String method, String path) {
    return new Attributes(
        user, method.toLowerCase(Locale.ROOT), false, "", "", "", "", "", "", path);
  }

  /** {@code pods} or {@code pods/log}, as rules name resources. */
  public String combinedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  public Attributes withUser(UserInfo other) {
    return new Attributes(
        other,
        verb,
        resourceRequest,
        namespace,
        apiGroup,
        apiVersion,
        resource,
        subresource,
        name,
        path);
  }
}
