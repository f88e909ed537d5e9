package io.kuark.server.auth.authn;

import io.kuark.server.api.http.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates service account JWTs: the token must verify ({@link ServiceAccountTokens}), and the
 * service account, and the pod or secret it is bound to, must still exist with the uid the token
 * names. Deleting any of them revokes the token.
 */
public final class ServiceAccountAuthenticator implements TokenAuthenticator {

  /** A pod being deleted keeps its tokens this long past its deletion timestamp (upstream). */
  static final Duration POD_DELETION_GRACE = Duration.ofSeconds(60);

  private final ServiceAccountTokens tokens;
  private final ObjectLookup lookup;
  private final LegacyTokenSecrets legacySecrets;

  /** Whether a Secret (namespace, name) holds {@code token} (legacy tokens live only so). */
  public interface LegacyTokenSecrets {
    boolean holds(String namespace, String name, String token);
  }

  public ServiceAccountAuthenticator(ServiceAccountTokens tokens, ObjectLookup lookup) {
    this(tokens, lookup, (namespace, name, token) -> false);
  }

  public ServiceAccountAuthenticator(
      ServiceAccountTokens tokens, ObjectLookup lookup, LegacyTokenSecrets legacySecrets) {
    this.tokens = tokens;
    this.lookup = lookup;
    this.legacySecrets = legacySecrets;
  }

  @Override
  public Optional<UserInfo> authenticate(String token) {
    return review(token, tokens.apiAudiences()).map(ServiceAccountUsers::user);
  }

  /** The token's claims if it is valid now for one of {@code audiences}. */
  public Optional<BoundToken> review(String token, List<String> audiences) {
    if (!Jwt.looksLikeJwt(token)) {
      return Optional.empty();
    }
    Optional<BoundToken> verified = tokens.verify(token, audiences);
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    BoundToken t = verified.get();
    Optional<ObjectLookup.Found> sa =
        lookup.find("serviceaccounts", t.namespace(), t.serviceAccount());
    if (sa.isEmpty()
        || !sa.get().uid().equals(t.serviceAccountUid())
        || sa.get().deletionTimestamp() != null) {
      return Optional.empty();
    }
    if (t.pod() != null && !live(lookup.find("pods", t.namespace(), t.pod().name()), t.pod())) {
      return Optional.empty();
    }
    if (t.secret() != null && t.secret().uid().isEmpty()) {
      // A legacy token: revoked when its Secret is deleted or no longer holds it.
      if (!legacySecrets.holds(t.namespace(), t.secret().name(), token)) {
        return Optional.empty();
      }
    } else if (t.secret() != null
        && !live(lookup.find("secrets", t.namespace(), t.secret().name()), t.secret())) {
      return Optional.empty();
    }
    return verified;
  }

  private boolean live(Optional<ObjectLookup.Found> found, BoundToken.BoundObject bound) {
    if (found.isEmpty() || !found.get().uid().equals(bound.uid())) {
      return false;
    }
    Instant deleted = found.get().deletionTimestamp();
    return deleted == null || deleted.isAfter(tokens.now().minus(POD_DELETION_GRACE));
  }
}
