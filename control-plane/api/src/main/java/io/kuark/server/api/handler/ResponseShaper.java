package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * Turns objects and lists into what the client asked for: the plain object, a {@code Table} or
 * {@code PartialObjectMetadata(List)}.
 */
public final class ResponseShaper {

  private final TableConverter tables;

  public ResponseShaper(TableConverter tables) {
    this.tables = tables;
  }

  /** One object in the requested shape. */
  public JsonNode single(
      ResourceType type,
      ObjectNode object,
      OutputFormat format,
      String includeObject,
      boolean columns) {
    switch (format.kind()) {
      case TABLE:
        return table(type, List.of(object), format, includeObject, Json.object(), columns);
      case METADATA:
        return partial(object, format);
      default:
        return object;
    }
  }

  /** A list in the requested shape. */
  public JsonNode list(
      ResourceType type,
      List<ObjectNode> items,
      ObjectNode listMeta,
      OutputFormat format,
      String includeObject) {
    switch (format.kind()) {
      case TABLE:
        return table(type, items, format, includeObject, listMeta, true);
      case METADATA:
        {
          ObjectNode list = Json.object();
          list.put("kind", "PartialObjectMetadataList");
          list.put("apiVersion", "meta.k8s.io/" + format.metaVersion());
          list.set("metadata", listMeta);
          ArrayNode out = list.putArray("items");
          for (ObjectNode item : items) {
            out.add(partial(item, format));
          }
          return list;
        }
      default:
        {
          ObjectNode list = Json.object();
          list.put("kind", type.listKind());
          list.put("apiVersion", type.apiVersion());
          list.set("metadata", listMeta);
          ArrayNode out = list.putArray("items");
          items.forEach(out::add);
          return list;
        }
    }
  }

  private ObjectNode table(
      ResourceType type,
      List<ObjectNode> items,
      OutputFormat format,
      String includeObject,
      ObjectNode listMeta,
      boolean withColumns) {
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/" + format.metaVersion());
    table.set("metadata", listMeta);
    table.set("columnDefinitions", withColumns ? tables.columns(type) : Json.NODES.arrayNode());
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : tables.cells(type, item)) {
        cells.add(Json.MAPPER.valueToTree(cell));
      }
      switch (includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject) {
        case "None":
          break;
        case "Object":
          row.set("object", item);
          break;
        default:
          row.set("object", partial(item, format));
          break;
      }
    }
    return table;
  }

  static ObjectNode partial(ObjectNode object, OutputFormat format) {
    ObjectNode out = Json.object();
    out.put("kind", "PartialObjectMetadata");
    out.put("apiVersion", "meta.k8s.io/" + format.metaVersion());
    out.set("metadata", object.path("metadata").deepCopy());
    return out;
  }
}
