package io.kuark.server.controller.identity;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Puts one controller's ServiceAccount token on every request of its client and counts the answers
 * per status code. A 401 renews the token on {@code renewals} (never on the caller's thread, which
 * may be a Vert.x event loop) before the 401 reaches the caller, whose next request (the
 * controller's requeue, the informer's relist) carries the new token — client-go's token source
 * transport does the same. The request is not retried in place: fabric8 cancels the rejected
 * response's body before a retry, and on the Vert.x client that closes the pooled connection the
 * retry may already have been handed, failing it with "Connection was closed".
 */
final class BearerTokenInterceptor implements Interceptor {
  private static final Logger LOG = Logger.getLogger(BearerTokenInterceptor.class);
  static final String NAME = "kuark-service-account-token";

  private final String controller;
  private final ServiceAccountToken token;
  private final Executor renewals;
  private final ControllerRequestMetrics metrics;

  BearerTokenInterceptor(
      String controller,
      ServiceAccountToken token,
      Executor renewals,
      ControllerRequestMetrics metrics) {
    this.controller = controller;
    this.token = token;
    this.renewals = renewals;
    this.metrics = metrics;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String current = token.current();
    if (current != null) {
      builder.setHeader("Authorization", "Bearer " + current);
    }
  }

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    metrics.record(controller, response.code());
    if (response.code() == 403) {
      // Outside the controller's role (RBAC) or refused by admission (e.g. a pod created before
      // its namespace's default ServiceAccount exists): either way worth a line in the log.
      LOG.warnf(
          "%s: %s %s refused (403) for %s",
          controller, request.method(), request.uri(), token.user());
    }
  }

  private static String sentToken(HttpResponse<?> response) {
    HttpRequest request = response.request();
    String header = request == null ? null : request.header("Authorization");
    return header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    if (response.code() != 401) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            token.refreshAfterRejection(sentToken(response));
          } catch (RuntimeException e) {
            LOG.warnf("%s: renewing the token of %s failed: %s", controller, token.user(), e);
          }
          return false;
        },
        renewals);
  }
}
