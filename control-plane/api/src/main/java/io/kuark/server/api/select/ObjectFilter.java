package io.kuark.server.api.select;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.store.Meta;

/** What a list or watch selects: a namespace (empty for all), a label and a field selector. */
public record ObjectFilter(String namespace, LabelSelector labels, FieldSelector fields) {

  public static ObjectFilter of(String namespace, String labelSelector, String fieldSelector) {
    return new ObjectFilter(
        namespace == null ? "" : namespace,
        LabelSelector.parse(labelSelector),
        FieldSelector.parse(fieldSelector));
  }

  /** Whether only the namespace decides: no label and no field selector. */
  public boolean namespaceOnly() {
    return labels.isEverything() && fields.isEverything();
  }

  /** Whether an object in {@code objectNamespace} passes the namespace part of the filter. */
  public boolean matchesNamespace(String objectNamespace) {
    return namespace.isEmpty() || namespace.equals(objectNamespace);
  }

  public boolean matches(JsonNode object) {
    if (!namespace.isEmpty() && !namespace.equals(Meta.namespace(object))) {
      return false;
    }
    if (!labels.isEverything() && !labels.matches(Meta.labels(object))) {
      return false;
    }
    return fields.isEverything() || fields.matches(object);
  }
}
