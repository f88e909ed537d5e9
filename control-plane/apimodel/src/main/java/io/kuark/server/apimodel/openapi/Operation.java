package io.kuark.server.apimodel.openapi;

import java.util.List;

/**
 * One API operation, independent of the OpenAPI version it is rendered into.
 *
 * @param method {@code get}, {@code put}, {@code post}, {@code patch} or {@code delete}
 * @param operationId upstream-style id, e.g. {@code createCoreV1NamespacedPod}
 * @param action {@code x-kubernetes-action}: get, list, post, put, patch, delete, deletecollection
 * @param group group of {@code x-kubernetes-group-version-kind}
 * @param version version of it
 * @param kind kind of it
 * @param tag the operation's tag, e.g. {@code core_v1}
 * @param queryParams names of the query parameters it takes (see {@link Parameters})
 * @param bodyDefinition the request body's definition name, or null
 * @param patch true when the body is a patch (patch content types)
 * @param responseDefinition the 200 response's definition name, or null for a string response
 * @param watchable true for list operations that can stream watch events
 */
record Operation(
    String method,
    String operationId,
    String action,
    String group,
    String version,
    String kind,
    String tag,
    List<String> queryParams,
    String bodyDefinition,
    boolean patch,
    String responseDefinition,
    boolean watchable) {

  static final List<String> PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml");
}
