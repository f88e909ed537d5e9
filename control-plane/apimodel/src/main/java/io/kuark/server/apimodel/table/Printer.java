package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** Produces the columns and one row's cells of a Table for one kind. */
interface Printer {

  /** Column definitions, in order; wide-only columns have priority 1. */
  List<ColumnDefinition> columns();

  /** The cells of one object's row (one per column; null for an empty cell). */
  List<Object> cells(JsonNode object, Instant now);

  /**
   * For objects that are finished (a Succeeded/Failed pod): {reason, message} of the row's {@code
   * Completed} condition, otherwise null.
   */
  default String[] completed(JsonNode object) {
    return null;
  }

  /** A printer from a column list and a row function. */
  static Printer of(List<ColumnDefinition> columns, RowFunction row) {
    return new Printer() {
      @Override
      public List<ColumnDefinition> columns() {
        return columns;
      }

      @Override
      public List<Object> cells(JsonNode object, Instant now) {
        return row.cells(object, now);
      }
    };
  }

  /** Computes a row's cells. */
  @FunctionalInterface
  interface RowFunction {
    List<Object> cells(JsonNode object, Instant now);
  }
}
