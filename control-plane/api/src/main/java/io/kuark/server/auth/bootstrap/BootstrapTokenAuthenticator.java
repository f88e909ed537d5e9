package io.kuark.server.auth.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.TokenAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Upstream's bootstrap token authenticator: {@code Bearer <id>.<secret>} is accepted when the
 * Secret {@code kube-system/bootstrap-token-<id>} of type {@code bootstrap.kubernetes.io/token}
 * holds that secret, allows authentication, is not being deleted and has not expired. The user is
 * {@code system:bootstrap:<id>} in {@code system:bootstrappers}, the Secret's {@code
 * auth-extra-groups} (only {@code system:bootstrappers:*} ones) and {@code system:authenticated}.
 * Revoking a token is deleting its Secret.
 */
public final class BootstrapTokenAuthenticator implements TokenAuthenticator {

  private final BiFunction<String, String, Optional<JsonNode>> secrets;
  private final Clock clock;

  /**
   * @param secrets reads a Secret by namespace and name
   */
  public BootstrapTokenAuthenticator(
      BiFunction<String, String, Optional<JsonNode>> secrets, Clock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  @Override
  public Optional<UserInfo> authenticate(String token) {
    Optional<BootstrapToken> parsed = BootstrapToken.parse(token);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    BootstrapToken t = parsed.get();
    Optional<JsonNode> found = secrets.apply(BootstrapToken.NAMESPACE, t.secretName());
    if (found.isEmpty()) {
      return Optional.empty();
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
      return Optional.empty();
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
    return Optional.of(
        new UserInfo(BootstrapToken.USER_PREFIX + t.id(), "", List.copyOf(groups), Map.of()));
  }

  private boolean expired(String expiration) {
    if (expiration.isEmpty()) {
      return false;
    }
    try {
      return !java.time.OffsetDateTime.parse(expiration).toInstant().isAfter(clock.instant());
    } catch (DateTimeParseException e) {
      // An unreadable expiration is treated as expired, as upstream does.
      return true;
    }
  }
}
