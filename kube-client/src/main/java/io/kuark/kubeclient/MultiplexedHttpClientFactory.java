package io.kuark.kubeclient;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.MultiplexingVertxHttpClientBuilder;
import io.vertx.core.Vertx;

/**
 * fabric8 HTTP clients that multiplex all their requests over one kept HTTP/2 connection to the API
 * server (see {@link MultiplexingVertxHttpClientBuilder}). Pass it to {@code
 * KubernetesClientBuilder.withHttpClientFactory}.
 */
public final class MultiplexedHttpClientFactory implements HttpClient.Factory {
  private final Vertx vertx;

  /** Clients run on {@code vertx}, which the caller closes. */
  public MultiplexedHttpClientFactory(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Each client gets its own Vert.x, closed with the client (as fabric8's default factory). */
  public MultiplexedHttpClientFactory() {
    this(null);
  }

  @Override
  public MultiplexingVertxHttpClientBuilder<MultiplexedHttpClientFactory> newBuilder() {
    return new MultiplexingVertxHttpClientBuilder<>(this, vertx);
  }
}
