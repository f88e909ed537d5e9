package io.kuark.server.api.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.TableConverter;
import io.kuark.server.apimodel.ResourceType;
import java.time.Instant;
import java.util.List;

/** Table printing by the apimodel module's printers (the columns kubectl shows upstream). */
public final class ApiModelTables implements TableConverter {

  private final io.kuark.server.apimodel.table.TableConverter printers =
      new io.kuark.server.apimodel.table.TableConverter();
  private final CustomResourceColumns customColumns;

  /**
   * @param customColumns printer columns of custom resources (CRD additionalPrinterColumns)
   */
  public ApiModelTables(CustomResourceColumns customColumns) {
    this.customColumns = customColumns;
  }

  @Override
  public ArrayNode columns(ResourceType type) {
    return printers.columnDefinitions(type, customColumns.columns(type));
  }

  @Override
  public List<Object> cells(ResourceType type, ObjectNode object) {
    return printers.cells(type, customColumns.columns(type), object, Instant.now());
  }
}
