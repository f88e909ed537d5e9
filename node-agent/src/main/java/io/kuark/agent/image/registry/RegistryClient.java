package io.kuark.agent.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An OCI distribution (registry v2) client for pulls: manifests and blobs over HTTPS, or plain HTTP
 * for registries on loopback and those named insecure. Authentication follows the registry's {@code
 * WWW-Authenticate} challenge: a bearer token from the named realm (anonymous or with the pull
 * secret's credentials as Basic), or Basic directly.
 */
public final class RegistryClient {

  /** Manifest media types the puller understands, most specific first. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final String ACCEPT =
      String.join(", ", List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;

  private final HttpClient http;
  private final Set<String> insecureRegistries;

  /**
   * @param insecureRegistries registries (host or host:port) spoken to over plain HTTP besides
   *     loopback ones
   */
  public RegistryClient(Set<String> insecureRegistries) {
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(15))
            .build();
  }

  /** A manifest as the registry returned it. */
  public record Manifest(byte[] bytes, String mediaType, String digestHeader) {}

  /** A pull session on one repository: it keeps the token the registry handed out. */
  public Session session(String registry, String repository, Credentials credentials) {
    return new Session(registry, repository, credentials);
  }

  /** Whether {@code registry} is spoken to over plain HTTP. */
  boolean plainHttp(String registry) {
    if (insecureRegistries.contains(registry)) {
      return true;
    }
    String host = registry;
    if (host.startsWith("[")) {
      host = host.substring(1, host.indexOf(']'));
    } else if (host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.isEmpty() && (Character.isDigit(host.charAt(0)) || host.contains(":"))) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  String baseUrl(String registry) {
    if (registry.equals("docker.io")) {
      return "https://registry-1.docker.io";
    }
    return (plainHttp(registry) ? "http://" : "https://") + registry;
  }

  /** Requests against one repository with the authorization it has earned so far. */
  public final class Session {
    private final String registry;
    private final String repository;
    private final Credentials credentials;
    private volatile String authorization;

    private Session(String registry, String repository, Credentials credentials) {
      this.registry = registry;
      this.repository = repository;
      this.credentials = credentials;
    }

    /** Fetches the manifest for a tag or digest. */
    public Manifest manifest(String reference) throws IOException {
      HttpResponse<InputStream> response =
          get(baseUrl(registry) + "/v2/" + repository + "/manifests/" + reference, ACCEPT);
      try (InputStream in = response.body()) {
        byte[] bytes = in.readAllBytes();
        String type = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
          type = type.substring(0, semicolon).trim();
        }
        if (type.isEmpty() || type.equals("application/json")) {
          type = JSON.readTree(bytes).path("mediaType").asText("");
        }
        return new Manifest(
            bytes, type, response.headers().firstValue("Docker-Content-Digest").orElse(null));
      }
    }

    /** Opens a blob's content; the caller verifies it against the digest and closes it. */
    public InputStream blob(String digest) throws IOException {
      return blob(digest, 0);
    }

    /**
     * Opens a blob's content from byte {@code offset} on (an HTTP Range request, to continue a
     * broken transfer). A registry that ignores the range answers 200 with the whole blob; the
     * bytes before {@code offset} are then skipped here, so the stream always starts at {@code
     * offset}.
     */
    public InputStream blob(String digest, long offset) throws IOException {
      HttpResponse<InputStream> response =
          get(
              baseUrl(registry) + "/v2/" + repository + "/blobs/" + digest,
              null,
              offset > 0 ? "bytes=" + offset + "-" : null);
      InputStream body = response.body();
      if (offset > 0 && response.statusCode() != 206) {
        long skipped = body.skip(offset);
        while (skipped < offset) {
          if (body.read() < 0) {
            body.close();
            throw new IOException("blob " + digest + " is shorter than the part already fetched");
          }
          skipped++;
        }
      }
      return body;
    }

    private HttpResponse<InputStream> get(String url, String accept) throws IOException {
      return get(url, accept, null);
    }

    private HttpResponse<InputStream> get(String url, String accept, String range)
        throws IOException {
      boolean authenticated = false;
      String target = url;
      boolean sameOrigin = true;
      for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(5)).GET();
        if (accept != null) {
          request.header("Accept", accept);
        }
        if (range != null) {
          request.header("Range", range);
        }
        if (sameOrigin && authorization != null) {
          request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = send(request.build());
        int status = response.statusCode();
        if (status == 401 && sameOrigin && !authenticated) {
          String header = response.headers().firstValue("WWW-Authenticate").orElse("");
          drain(response);
          authenticate(header);
          authenticated = true;
          hop--;
          continue;
        }
        if (status >= 300 && status < 400) {
          String location = response.headers().firstValue("Location").orElse(null);
          drain(response);
          if (location == null) {
            throw new RegistryException(status, "redirect without Location from " + target);
          }
          URI next = URI.create(target).resolve(location);
          // Blob storage behind a redirect (S3, a CDN) gets no registry credentials.
          sameOrigin = sameOrigin && next.getAuthority().equals(URI.create(url).getAuthority());
          target = next.toString();
          continue;
        }
        if (status / 100 != 2) {
          throw new RegistryException(status, reason(status, response));
        }
        return response;
      }
      throw new RegistryException(0, "too many redirects from " + url);
    }

    private void authenticate(String header) throws IOException {
      Challenge challenge = Challenge.parse(header);
      if (challenge.scheme().equals("basic")) {
        if (credentials == null) {
          throw new RegistryException(401, "authentication required (no pull secret matches)");
        }
        authorization = credentials.basic();
        return;
      }
      if (!challenge.scheme().equals("bearer") || challenge.param("realm") == null) {
        throw new RegistryException(401, "unsupported authentication challenge: " + header);
      }
      StringBuilder url = new StringBuilder(challenge.param("realm"));
      url.append(url.indexOf("?") < 0 ? '?' : '&');
      if (challenge.param("service") != null) {
        url.append("service=").append(encode(challenge.param("service"))).append('&');
      }
      String scope = challenge.param("scope");
      url.append("scope=")
          .append(encode(scope != null ? scope : "repository:" + repository + ":pull"));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofMinutes(1)).GET();
      if (credentials != null) {
        request.header("Authorization", credentials.basic());
      }
      HttpResponse<InputStream> response = send(request.build());
      if (response.statusCode() != 200) {
        throw new RegistryException(
            response.statusCode(),
            "token request failed: " + reason(response.statusCode(), response));
      }
      JsonNode token;
      try (InputStream in = response.body()) {
        token = JSON.readTree(in);
      }
      String value = token.path("token").asText(token.path("access_token").asText(""));
      if (value.isEmpty()) {
        throw new RegistryException(0, "token endpoint returned no token");
      }
      authorization = "Bearer " + value;
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (IOException e) {
        throw new RegistryException(
            0, "cannot reach " + request.uri().getAuthority() + ": " + describe(e));
      }
    }
  }

  /** The registry's error code and message ({@code {"errors":[{"code","message"}]}}). */
  static String reason(int status, HttpResponse<InputStream> response) {
    String body;
    try (InputStream in = response.body()) {
      body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    } catch (IOException e) {
      body = "";
    }
    try {
      JsonNode first = JSON.readTree(body).path("errors").path(0);
      if (!first.isMissingNode()) {
        return first.path("code").asText("") + ": " + first.path("message").asText("");
      }
    } catch (IOException e) {
      // not JSON
    }
    return "HTTP " + status + (body.isBlank() ? "" : ": " + body.strip());
  }

  private static void drain(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the connection is dropped instead of reused
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String describe(IOException e) {
    return Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
  }
}
