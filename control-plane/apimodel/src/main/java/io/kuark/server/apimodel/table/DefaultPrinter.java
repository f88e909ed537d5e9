package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's default table for kinds without their own printer (roles, CRDs, limit ranges, ...):
 * Name and "Created At" (RFC 3339 creation time).
 */
final class DefaultPrinter implements Printer {

  private static final List<ColumnDefinition> COLUMNS =
      List.of(
          ColumnDefinition.nameColumn(),
          new ColumnDefinition(
              "Created At",
              "date",
              "",
              "CreationTimestamp is a timestamp representing the server time when this object was"
                  + " created.",
              0));

  @Override
  public List<ColumnDefinition> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(JsonNode object, Instant now) {
    List<Object> cells = new ArrayList<>();
    cells.add(Cells.text(object, "metadata", "name"));
    cells.add(Cells.text(object, "metadata", "creationTimestamp"));
    return cells;
  }
}
