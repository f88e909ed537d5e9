package io.kuark.server.api.http;

/**
 * What a resource request addresses, parsed from its path and method (upstream's RequestInfo).
 *
 * @param verb get, list, watch, create, update, patch, delete or deletecollection
 * @param group API group, "" for core
 * @param version API version
 * @param namespace namespace from the path, or "" (cluster scope or all namespaces)
 * @param resource plural resource name
 * @param name object name, or "" for collection requests
 * @param subresource subresource name, or ""
 */
public record RequestInfo(
    String verb,
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource) {

  public boolean hasName() {
    return !name.isEmpty();
  }

  public boolean hasSubresource() {
    return !subresource.isEmpty();
  }

  public boolean hasNamespace() {
    return !namespace.isEmpty();
  }
}
