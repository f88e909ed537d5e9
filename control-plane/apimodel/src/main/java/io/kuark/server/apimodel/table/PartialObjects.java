package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code PartialObjectMetadata} and {@code PartialObjectMetadataList} for metadata-only clients.
 */
public final class PartialObjects {

  private PartialObjects() {}

  /**
   * The object's metadata as {@code PartialObjectMetadata}.
   *
   * @param apiVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
   */
  public static ObjectNode of(JsonNode object, String apiVersion) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("kind", "PartialObjectMetadata");
    out.put("apiVersion", apiVersion);
    JsonNode meta = object.path("metadata");
    out.set("metadata", meta.isObject() ? meta.deepCopy() : JsonNodeFactory.instance.objectNode());
    return out;
  }

  /** A {@code PartialObjectMetadataList} with list metadata (null values are left out). */
  public static ObjectNode list(
      List<? extends JsonNode> objects,
      String apiVersion,
      String resourceVersion,
      String continueToken,
      Long remainingItemCount) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("kind", "PartialObjectMetadataList");
    out.put("apiVersion", apiVersion);
    ObjectNode meta = out.putObject("metadata");
    listMeta(meta, resourceVersion, continueToken, remainingItemCount);
    ArrayNode items = out.putArray("items");
    for (JsonNode o : objects) {
      ObjectNode item = of(o, apiVersion);
      items.add(item);
    }
    return out;
  }

  static void listMeta(ObjectNode meta, String rv, String cont, Long remaining) {
    if (rv != null) {
      meta.put("resourceVersion", rv);
    }
    if (cont != null && !cont.isEmpty()) {
      meta.put("continue", cont);
    }
    if (remaining != null) {
      meta.put("remainingItemCount", remaining);
    }
  }
}
