package io.kuark.server.auth.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.ObjectRef;
import io.kuark.server.auth.authn.TokenAuthenticator;
import io.kuark.server.auth.authn.TokenResultCache;
import io.kuark.server.auth.authn.TokenVerdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Upstream's bootstrap token authenticator: {@code Bearer <id>.<secret>} is accepted when the
 * Secret {@code kube-system/bootstrap-token-<id>} of type {@code bootstrap.kubernetes.io/token}
 * holds that secret, allows authentication, is not being deleted and has not expired. The user is
 * {@code system:bootstrap:<id>} in {@code system:bootstrappers}, the Secret's {@code
 * auth-extra-groups} (only {@code system:bootstrappers:*} ones) and {@code system:authenticated}.
 * Revoking a token is deleting its Secret. Results go through a {@link TokenResultCache} that drops
 * them when the Secret changes.
 */
public final class BootstrapTokenAuthenticator implements TokenAuthenticator {

  private final BiFunction<String, String, Optional<JsonNode>> secrets;
  private final Clock clock;
  private final TokenResultCache<UserInfo> cache;

  /**
   * @param secrets reads a Secret by namespace and name
   */
  public BootstrapTokenAuthenticator(
      BiFunction<String, String, Optional<JsonNode>> secrets, Clock clock) {
    this(secrets, clock, TokenResultCache.disabled());
  }

  /**
   * @param cache results by token; its owner must invalidate it when secrets change
   */
  public BootstrapTokenAuthenticator(
      BiFunction<String, String, Optional<JsonNode>> secrets,
      Clock clock,
      TokenResultCache<UserInfo> cache) {
    this.secrets = secrets;
    this.clock = clock;
    this.cache = cache;
  }

  @Override
  public Optional<UserInfo> authenticate(String token) {
    Optional<BootstrapToken> parsed = BootstrapToken.parse(token);
    if (parsed.isEmpty()) {
      // Not a bootstrap token: no cache entry either.
      return Optional.empty();
    }
    return cache.get(token, List.of(), () -> check(parsed.get()));
  }

  private TokenVerdict<UserInfo> check(BootstrapToken t) {
    Set<ObjectRef> deps =
        Set.of(new ObjectRef("secrets", BootstrapToken.NAMESPACE, t.secretName()));
    TokenVerdict<UserInfo> refused = new TokenVerdict<>(Optional.empty(), deps, null);
    Optional<JsonNode> found = secrets.apply(BootstrapToken.NAMESPACE, t.secretName());
    if (found.isEmpty()) {
      return refused;
    }
    JsonNode secret = found.get();
    if (!BootstrapToken.SECRET_TYPE.equals(secret.path("type").asText())
        || !secret.path("metadata").path("deletionTimestamp").asText("").isEmpty()
        || !t.id().equals(BootstrapToken.field(secret, "token-id"))
        || !MessageDigest.isEqual(
            t.secret().getBytes(StandardCharsets.UTF_8),
            BootstrapToken.field(secret, "token-secret").getBytes(StandardCharsets.UTF_8))
        || !"true".equals(BootstrapToken.field(secret, "usage-bootstrap-authentication"))
        || expired(BootstrapToken.field(secret, "expiration"))) {
      return refused;
    }
    List<String> groups = new ArrayList<>();
    groups.add(BootstrapToken.GROUP);
    for (String extra : BootstrapToken.field(secret, "auth-extra-groups").split(",")) {
      String g = extra.strip();
      if (g.startsWith(BootstrapToken.GROUP + ":") && !groups.contains(g)) {
        groups.add(g);
      }
    }
    groups.add("system:authenticated");
    String expiration = BootstrapToken.field(secret, "expiration");
    return new TokenVerdict<>(
        Optional.of(
            new UserInfo(BootstrapToken.USER_PREFIX + t.id(), "", List.copyOf(groups), Map.of())),
        deps,
        expiration.isEmpty() ? null : OffsetDateTime.parse(expiration).toInstant());
  }

  private boolean expired(String expiration) {
    if (expiration.isEmpty()) {
      return false;
    }
    try {
      return !OffsetDateTime.parse(expiration).toInstant().isAfter(clock.instant());
    } catch (DateTimeParseException e) {
      // An unreadable expiration is treated as expired, as upstream does.
      return true;
    }
  }
}
