package io.kuark.server;

import io.kuark.server.api.OpenApiSource;
import io.kuark.server.api.handler.DefaultTableConverter;
import io.kuark.server.api.handler.TableConverter;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceCatalog;

/**
 * Connects the API server's seams (admission, Table printing, OpenAPI) to the apimodel module's
 * implementations.
 */
final class ApiModelBridge {

  private ApiModelBridge() {}

  static ObjectAdmission admission() {
    return ObjectAdmission.NONE;
  }

  static TableConverter tables(ResourceCatalog catalog) {
    return new DefaultTableConverter();
  }

  static OpenApiSource openApi(ResourceCatalog catalog) {
    return OpenApiSource.NONE;
  }
}
