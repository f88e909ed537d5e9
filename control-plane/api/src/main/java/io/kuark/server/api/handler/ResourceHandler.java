package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;

/** Serves one verb of resource requests. Blocking: runs on a worker thread. */
public interface ResourceHandler {
  ApiResponse handle(ApiRequest request);
}
