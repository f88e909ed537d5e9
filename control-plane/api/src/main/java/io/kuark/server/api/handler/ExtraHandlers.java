package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;

/**
 * Handlers for requests the generic REST handlers do not serve (token requests, reviews), looked up
 * before them.
 */
public interface ExtraHandlers {

  ExtraHandlers NONE = req -> null;

  /** The handler for {@code req}, or null to use the generic handlers. */
  ResourceHandler find(ApiRequest req);
}
