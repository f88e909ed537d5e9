package io.kuark.server;

import io.kuark.server.api.handler.TableConverter;
import io.kuark.server.api.model.ApiModelAdmission;
import io.kuark.server.api.model.ApiModelOpenApi;
import io.kuark.server.api.model.ApiModelTables;
import io.kuark.server.api.model.CustomResourceColumns;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceCatalog;
import org.jboss.logging.Logger;

/**
 * Connects the API server's seams (admission, Table printing, OpenAPI) to the apimodel module's
 * implementations.
 */
final class ApiModelBridge {

  private static final Logger LOG = Logger.getLogger(ApiModelBridge.class);

  private ApiModelBridge() {}

  static ObjectAdmission admission() {
    return new ApiModelAdmission();
  }

  static TableConverter tables(ResourceCatalog catalog) {
    return new ApiModelTables(CustomResourceColumns.NONE);
  }

  static ApiModelOpenApi openApi(ResourceCatalog catalog) {
    return new ApiModelOpenApi(catalog);
  }

  /**
   * Builds the OpenAPI documents in the background (several seconds of CPU), started after the
   * control-plane loops have listed so that it does not slow their start.
   */
  static void warmUp(ApiModelOpenApi openApi) {
    Thread warmUp =
        new Thread(
            () -> {
              try {
                openApi.warmUp();
              } catch (RuntimeException e) {
                LOG.warnf(e, "building the OpenAPI documents failed");
              }
            },
            "kuark-openapi-warmup");
    warmUp.setDaemon(true);
    warmUp.setPriority(Thread.MIN_PRIORITY);
    warmUp.start();
  }
}
