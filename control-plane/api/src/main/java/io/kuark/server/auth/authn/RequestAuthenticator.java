package io.kuark.server.auth.authn;

import io.kuark.server.api.http.Authenticator;
import io.kuark.server.api.http.UserInfo;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The authentication chain: a client certificate (verified by TLS against the cluster CA), then an
 * {@code Authorization: Bearer} token tried against each token authenticator. A presented token
 * that no authenticator accepts fails the request (401) rather than falling back to anonymous, as
 * upstream's chain does.
 */
public final class RequestAuthenticator {

  /** The outcome for one request. */
  public sealed interface Result {
    /** Credentials named this user. */
    record Authenticated(UserInfo user) implements Result {}

    /** No credentials were presented. */
    record Anonymous() implements Result {}

    /** Credentials were presented and refused. */
    record Rejected() implements Result {}
  }

  public static final UserInfo ANONYMOUS =
      new UserInfo("system:anonymous", List.of("system:unauthenticated"));

  private final List<TokenAuthenticator> tokens;
  private final Clock clock;

  public RequestAuthenticator(List<TokenAuthenticator> tokens) {
    this(tokens, Clock.systemUTC());
  }

  public RequestAuthenticator(List<TokenAuthenticator> tokens, Clock clock) {
    this.tokens = List.copyOf(tokens);
    this.clock = clock;
  }

  public Result authenticate(HttpServerRequest request) {
    Optional<X509Certificate> cert = Authenticator.peerCertificate(request);
    boolean expired = false;
    if (cert.isPresent()) {
      if (Authenticator.validAt(cert.get(), clock.instant())) {
        Optional<UserInfo> user = Authenticator.user(cert.get());
        if (user.isPresent()) {
          return new Result.Authenticated(user.get());
        }
      } else {
        expired = true;
        // The connection can never authenticate by its certificate again: closing it once this
        // answer is out makes the client connect anew, with its current (rotated) certificate.
        request.response().endHandler(v -> request.connection().close());
      }
    }
    String header = request.getHeader("Authorization");
    if (header == null) {
      // Presented credentials that fail are a 401, never anonymous (upstream's chain).
      return expired ? new Result.Rejected() : new Result.Anonymous();
    }
    return authenticateHeader(header);
  }

  /** Authenticates an {@code Authorization} header value. */
  public Result authenticateHeader(String header) {
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Result.Rejected();
    }
    String token = header.substring(7).trim();
    if (token.isEmpty()) {
      return new Result.Rejected();
    }
    return authenticateToken(token)
        .<Result>map(Result.Authenticated::new)
        .orElseGet(Result.Rejected::new);
  }

  /** The user a bearer token stands for, if any authenticator accepts it. */
  public Optional<UserInfo> authenticateToken(String token) {
    for (TokenAuthenticator a : tokens) {
      Optional<UserInfo> user = a.authenticate(token);
      if (user.isPresent()) {
        return user;
      }
    }
    return Optional.empty();
  }
}
