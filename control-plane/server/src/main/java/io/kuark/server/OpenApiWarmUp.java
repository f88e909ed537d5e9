package io.kuark.server;

import io.kuark.server.api.model.ApiModelOpenApi;
import org.jboss.logging.Logger;

/** Builds the apimodel module's OpenAPI documents in the background after start. */
final class OpenApiWarmUp {

  private static final Logger LOG = Logger.getLogger(OpenApiWarmUp.class);

  private OpenApiWarmUp() {}

  /**
   * Builds the OpenAPI documents in the background (several seconds of CPU), started after the
   * control-plane loops have listed so that it does not slow their start.
   */
  static void start(ApiModelOpenApi openApi) {
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
