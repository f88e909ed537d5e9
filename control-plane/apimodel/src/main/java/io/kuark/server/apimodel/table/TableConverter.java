package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts objects to {@code meta.k8s.io} Tables with the columns kubectl shows against upstream.
 * All columns (wide ones too, priority 1) are always produced; kubectl picks by priority.
 * Thread-safe and stateless apart from the built-in printer table.
 */
public final class TableConverter {

  private final Map<String, Printer> builtIns = new HashMap<>();
  private final Printer fallback = new DefaultPrinter();

  public TableConverter() {
    CorePrinters.register(builtIns);
    WorkloadPrinters.register(builtIns);
    ClusterPrinters.register(builtIns);
  }

  /**
   * Converts objects (one for get, many for list) into a Table.
   *
   * @param type the resource type the objects belong to
   * @param printerColumns for custom resources: the CRD version's {@code additionalPrinterColumns}
   *     (null or empty → Name, Age); ignored for built-in types
   * @param objects the objects, in list order
   * @param options includeObject, headers, apiVersion and list metadata
   * @param now the time ages are computed against
   */
  public ObjectNode table(
      ResourceType type,
      JsonNode printerColumns,
      List<? extends JsonNode> objects,
      TableOptions options,
      Instant now) {
    Printer printer = printerFor(type, printerColumns);
    ObjectNode table = JsonNodeFactory.instance.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", options.apiVersion());
    ObjectNode meta = table.putObject("metadata");
    PartialObjects.listMeta(
        meta, options.resourceVersion(), options.continueToken(), options.remainingItemCount());
    if (options.noHeaders()) {
      table.putArray("columnDefinitions");
    } else {
      table.set("columnDefinitions", columnDefinitions(type, printerColumns));
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : printer.cells(o, now)) {
        addCell(cells, cell);
      }
      String[] completed = printer.completed(o);
      if (completed != null) {
        ObjectNode cond = row.putArray("conditions").addObject();
        cond.put("type", "Completed");
        cond.put("status", "True");
        cond.put("reason", completed[0]);
        cond.put("message", completed[1]);
      }
      switch (options.includeObject()) {
        case OBJECT -> row.set("object", o);
        case METADATA -> row.set("object", PartialObjects.of(o, options.apiVersion()));
        case NONE -> {}
      }
    }
    return table;
  }

  /** The {@code columnDefinitions} array alone (for callers that assemble the Table themselves). */
  public ArrayNode columnDefinitions(ResourceType type, JsonNode printerColumns) {
    ArrayNode columns = JsonNodeFactory.instance.arrayNode();
    for (ColumnDefinition c : printerFor(type, printerColumns).columns()) {
      ObjectNode col = columns.addObject();
      col.put("name", c.name());
      col.put("type", c.type());
      col.put("format", c.format());
      col.put("description", c.description());
      col.put("priority", c.priority());
    }
    return columns;
  }

  /**
   * One row's cells alone, matching {@link #columnDefinitions}: String, Long, Double, Boolean or
   * null values.
   */
  public List<Object> cells(
      ResourceType type, JsonNode printerColumns, JsonNode object, Instant now) {
    return printerFor(type, printerColumns).cells(object, now);
  }

  /** The column definitions the table for that type has. */
  public List<ColumnDefinition> columns(ResourceType type, JsonNode printerColumns) {
    return printerFor(type, printerColumns).columns();
  }

  private Printer printerFor(ResourceType type, JsonNode printerColumns) {
    if (type.modelClass() == null) {
      return new CustomResourcePrinter(printerColumns);
    }
    Printer p = builtIns.get(type.group() + "/" + type.kind());
    return p != null ? p : fallback;
  }

  private static void addCell(ArrayNode cells, Object cell) {
    if (cell == null) {
      cells.addNull();
    } else if (cell instanceof String s) {
      cells.add(s);
    } else if (cell instanceof Integer i) {
      cells.add(i);
    } else if (cell instanceof Long l) {
      cells.add(l);
    } else if (cell instanceof Double d) {
      cells.add(d);
    } else if (cell instanceof Boolean b) {
      cells.add(b);
    } else if (cell instanceof JsonNode n) {
      cells.add(n);
    } else {
      cells.add(cell.toString());
    }
  }
}
