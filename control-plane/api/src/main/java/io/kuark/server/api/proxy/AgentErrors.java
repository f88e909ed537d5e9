package io.kuark.server.api.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.Statuses;

/**
 * Turns a failed node agent response into the Status upstream's API server returns: the agent's
 * body becomes the message of a 400 or 500; other codes get upstream's generic message for the
 * code, naming the subresource, with the body as the cause.
 */
final class AgentErrors {

  /** Upstream reads at most this much of a failed agent response. */
  static final int MAX_BODY = 4 * 1024;

  private AgentErrors() {}

  static ApiException toStatus(int code, String body, RequestInfo info) {
    String text = body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body;
    if (code == 400) {
      return Statuses.badRequest(text);
    }
    if (code == 500) {
      ObjectNode details = Json.object();
      details.putArray("causes").addObject().put("message", text);
      return Statuses.failure(500, "InternalError", "Internal error occurred: " + text, details);
    }
    String resource = info.resource() + "/" + info.subresource();
    ObjectNode details = Json.object();
    details.put("name", info.name());
    details.put("kind", resource);
    details
        .putArray("causes")
        .addObject()
        .put("reason", "UnexpectedServerResponse")
        .put("message", text);
    String reason = reason(code);
    ApiException error =
        Statuses.failure(
            code, reason, message(code) + " ( " + resource + " " + info.name() + ")", details);
    if (reason.isEmpty()) {
      error.status().remove("reason");
    }
    return error;
  }

  private static String reason(int code) {
    switch (code) {
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "NotFound";
      case 409:
        return "Conflict";
      case 429:
        return "TooManyRequests";
      case 503:
        return "ServiceUnavailable";
      case 504:
        return "Timeout";
      default:
        return "";
    }
  }

  private static String message(int code) {
    switch (code) {
      case 401:
        return "the server has asked for the client to provide credentials";
      case 403:
        return "the server does not allow access to the requested resource";
      case 404:
        return "the server could not find the requested resource";
      case 409:
        return "the server reported a conflict";
      case 429:
        return "the server has received too many requests and has asked us to try again later";
      case 503:
        return "the server is currently unable to handle the request";
      case 504:
        return "the server was unable to return a response in the time allotted, but may still"
            + " be processing the request";
      default:
        return "the server responded with the status code "
            + code
            + " but did not return more information";
    }
  }
}
