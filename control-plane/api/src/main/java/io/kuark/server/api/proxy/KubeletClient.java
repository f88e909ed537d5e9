package io.kuark.server.api.proxy;

import io.kuark.kubeclient.NativeTls;
import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import io.kuark.server.auth.pki.Pem;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * HTTPS client for node agents. Presents the API server's kubelet client certificate and, as
 * upstream does by default, does not verify the agent's self-signed serving certificate.
 */
public final class KubeletClient implements AutoCloseable {

  private final HttpClient http;

  public KubeletClient(Vertx vertx, IssuedCertificate clientCertificate) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setSslEngineOptions(NativeTls.engine())
            .setTrustAll(true)
            .setVerifyHost(false)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(Pem.encode(clientCertificate.key())))
                    .setCertValue(Buffer.buffer(Pem.encode(clientCertificate.certificate()))))
            .setConnectTimeout(10_000)
            .setIdleTimeout(0)
            .setTcpNoDelay(true)
            // Followed logs hold a connection each for as long as the client reads.
            .setMaxPoolSize(1024);
    this.http = vertx.createHttpClient(options);
  }

  /** Opens a request to {@code target} with {@code headers}; the caller sends or connects it. */
  Future<HttpClientRequest> request(HttpMethod method, KubeletTarget target, MultiMap headers) {
    return http.request(
        new RequestOptions()
            .setMethod(method)
            .setHost(target.host())
            .setPort(target.port())
            .setURI(target.pathAndQuery())
            .setHeaders(headers));
  }

  @Override
  public void close() {
    http.close();
  }
}
