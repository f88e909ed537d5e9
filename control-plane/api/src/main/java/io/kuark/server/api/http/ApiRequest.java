package io.kuark.server.api.http;

import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.MultiMap;

/**
 * A resource request as handlers see it, free of Vert.x routing.
 *
 * @param info what the path addresses
 * @param type the resource served at the path
 * @param query query parameters
 * @param body request body (empty for GET/DELETE without body)
 * @param contentType request Content-Type, or ""
 * @param accept request Accept header, or ""
 * @param user the authenticated user
 * @param userAgent request User-Agent header, or ""
 */
public record ApiRequest(
    RequestInfo info,
    ResourceType type,
    MultiMap query,
    byte[] body,
    String contentType,
    String accept,
    UserInfo user,
    String userAgent) {

  public String param(String name) {
    String v = query.get(name);
    return v == null ? "" : v;
  }

  public boolean flag(String name) {
    String v = query.get(name);
    return "true".equals(v) || "1".equals(v);
  }

  /** True for {@code dryRun=All}; any other dryRun value is a 400. */
  public boolean dryRun() {
    String v = query.get("dryRun");
    if (v == null || v.isEmpty()) {
      return false;
    }
    if (!v.equals("All")) {
      throw Statuses.badRequest("Invalid dry run value: " + v);
    }
    return true;
  }

  public long longParam(String name, long fallback) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid " + name + ": " + v);
    }
  }
}
