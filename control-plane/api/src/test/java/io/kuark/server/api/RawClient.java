package io.kuark.server.api;

import io.kuark.server.auth.pki.ClusterPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Plain HTTPS requests to the test API server, as the admin or anonymously. */
final class RawClient {

  private final HttpClient client;
  private final String base;

  RawClient(TestApiServer api, boolean asAdmin) {
    this(api.url(), api.pki, asAdmin);
  }

  RawClient(String base, ClusterPki pki, boolean asAdmin) {
    this.base = base;
    try {
      SSLContext ssl = sslContext(pki, asAdmin);
      client =
          HttpClient.newBuilder()
              .sslContext(ssl)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** TLS trusting the cluster CA, presenting the admin certificate when {@code asAdmin}. */
  static SSLContext sslContext(ClusterPki pki, boolean asAdmin) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = null;
    if (asAdmin) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "admin", pki.admin().key(), new char[0], new Certificate[] {pki.admin().certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ssl;
  }

  HttpResponse<String> send(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> sendWithAccept(String path, String accept) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null, null);
  }

  HttpResponse<String> post(String path, String json) {
    return send("POST", path, "application/json", json);
  }

  /** Starts a streaming GET (a watch); the caller reads lines from the body and closes it. */
  HttpResponse<InputStream> stream(String path) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
