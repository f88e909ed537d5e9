package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows for custom resources from a CRD version's {@code additionalPrinterColumns}: Name first, then
 * each column's JSONPath value typed as the column says ({@code date} shown as an age). With no
 * printer columns upstream shows Name and Age.
 */
final class CustomResourcePrinter implements Printer {

  private final List<ColumnDefinition> columns = new ArrayList<>();
  private final List<JsonPath> paths = new ArrayList<>();

  CustomResourcePrinter(JsonNode printerColumns) {
    columns.add(ColumnDefinition.nameColumn());
    if (printerColumns == null || printerColumns.size() == 0) {
      columns.add(new ColumnDefinition("Age", "date", "", ColumnDefinition.age().description(), 0));
      paths.add(JsonPath.parse(".metadata.creationTimestamp"));
      return;
    }
    for (JsonNode c : printerColumns) {
      String jsonPath = c.path("jsonPath").asText("");
      String description = c.path("description").asText("");
      if (description.isEmpty()) {
        description = "Custom resource definition column (in JSONPath format): " + jsonPath;
      }
      columns.add(
          new ColumnDefinition(
              c.path("name").asText(),
              c.path("type").asText("string"),
              c.path("format").asText(""),
              description,
              c.path("priority").asInt(0)));
      paths.add(JsonPath.parse(jsonPath));
    }
  }

  @Override
  public List<ColumnDefinition> columns() {
    return columns;
  }

  @Override
  public List<Object> cells(JsonNode object, Instant now) {
    List<Object> cells = new ArrayList<>();
    cells.add(Cells.text(object, "metadata", "name"));
    for (int i = 0; i < paths.size(); i++) {
      List<JsonNode> found = paths.get(i).find(object);
      if (found.isEmpty() || found.get(0).isNull()) {
        cells.add(null);
        continue;
      }
      cells.add(cell(columns.get(i + 1).type(), found.get(0), now));
    }
    return cells;
  }

  private static Object cell(String type, JsonNode v, Instant now) {
    switch (type) {
      case "string":
        return v.isValueNode() ? v.asText() : v.toString();
      case "integer":
        return v.isNumber() ? (Object) v.asLong() : null;
      case "number":
        return v.isNumber() ? (Object) v.asDouble() : null;
      case "boolean":
        return v.isBoolean() ? (Object) v.asBoolean() : null;
      case "date":
        return v.isTextual() ? HumanDuration.since(v.asText(), now) : null;
      default:
        return null;
    }
  }
}
