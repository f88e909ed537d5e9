package io.kuark.server.auth.authn;

import io.kuark.server.api.http.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates service account JWTs: the token must verify ({@link ServiceAccountTokens}), and the
 * service account, and the pod or secret it is bound to, must still exist with the uid the token
 * names. Deleting any of them revokes the token. Results go through a {@link TokenResultCache} that
 * drops them when one of those objects changes.
 */
public final class ServiceAccountAuthenticator implements TokenAuthenticator {

  /** A pod being deleted keeps its tokens this long past its deletion timestamp (upstream). */
  static final Duration POD_DELETION_GRACE = Duration.ofSeconds(60);

  private final ServiceAccountTokens tokens;
  private final ObjectLookup lookup;
  private final LegacyTokenSecrets legacySecrets;
  private final TokenResultCache<BoundToken> cache;

  /** Whether a Secret (namespace, name) holds {@code token} (legacy tokens live only so). */
  public interface LegacyTokenSecrets {
    boolean holds(String namespace, String name, String token);
  }

  public ServiceAccountAuthenticator(ServiceAccountTokens tokens, ObjectLookup lookup) {
    this(tokens, lookup, (namespace, name, token) -> false, TokenResultCache.disabled());
  }

  /**
   * @param cache results by token and audiences; its owner must invalidate it when service
   *     accounts, secrets or pods change
   */
  public ServiceAccountAuthenticator(
      ServiceAccountTokens tokens,
      ObjectLookup lookup,
      LegacyTokenSecrets legacySecrets,
      TokenResultCache<BoundToken> cache) {
    this.tokens = tokens;
    this.lookup = lookup;
    this.legacySecrets = legacySecrets;
    this.cache = cache;
  }

  @Override
  public Optional<UserInfo> authenticate(String token) {
    return review(token, tokens.apiAudiences()).map(ServiceAccountUsers::user);
  }

  /** The token's claims if it is valid now for one of {@code audiences}. */
  public Optional<BoundToken> review(String token, List<String> audiences) {
    if (!Jwt.looksLikeJwt(token)) {
      // Not ours to judge (a bootstrap or static token): no cache entry either.
      return Optional.empty();
    }
    return cache.get(token, audiences, () -> check(token, audiences));
  }

  /** Verifies {@code token} and reads the objects it depends on (the uncached path). */
  TokenVerdict<BoundToken> check(String token, List<String> audiences) {
    Optional<BoundToken> verified = tokens.verify(token, audiences);
    if (verified.isEmpty()) {
      return TokenVerdict.refused();
    }
    BoundToken t = verified.get();
    Set<ObjectRef> deps = dependencies(t);
    Instant validUntil =
        t.expiresAt() == null ? null : t.expiresAt().plus(ServiceAccountTokens.LEEWAY);
    Optional<ObjectLookup.Found> sa =
        lookup.find("serviceaccounts", t.namespace(), t.serviceAccount());
    if (sa.isEmpty()
        || !sa.get().uid().equals(t.serviceAccountUid())
        || sa.get().deletionTimestamp() != null) {
      return refused(deps);
    }
    if (t.pod() != null) {
      Optional<ObjectLookup.Found> pod = lookup.find("pods", t.namespace(), t.pod().name());
      if (!live(pod, t.pod())) {
        return refused(deps);
      }
      validUntil = earliest(validUntil, graceEnd(pod.get()));
    }
    if (t.secret() != null && t.secret().uid().isEmpty()) {
      // A legacy token: revoked when its Secret is deleted or no longer holds it.
      if (!legacySecrets.holds(t.namespace(), t.secret().name(), token)) {
        return refused(deps);
      }
    } else if (t.secret() != null) {
      Optional<ObjectLookup.Found> secret =
          lookup.find("secrets", t.namespace(), t.secret().name());
      if (!live(secret, t.secret())) {
        return refused(deps);
      }
      validUntil = earliest(validUntil, graceEnd(secret.get()));
    }
    return new TokenVerdict<>(verified, deps, validUntil);
  }

  private static Set<ObjectRef> dependencies(BoundToken t) {
    Set<ObjectRef> deps = new LinkedHashSet<>();
    deps.add(new ObjectRef("serviceaccounts", t.namespace(), t.serviceAccount()));
    if (t.pod() != null) {
      deps.add(new ObjectRef("pods", t.namespace(), t.pod().name()));
    }
    if (t.secret() != null) {
      deps.add(new ObjectRef("secrets", t.namespace(), t.secret().name()));
    }
    return deps;
  }

  private static TokenVerdict<BoundToken> refused(Set<ObjectRef> deps) {
    return new TokenVerdict<>(Optional.empty(), deps, null);
  }

  private boolean live(Optional<ObjectLookup.Found> found, BoundToken.BoundObject bound) {
    if (found.isEmpty() || !found.get().uid().equals(bound.uid())) {
      return false;
    }
    Instant deleted = found.get().deletionTimestamp();
    return deleted == null || deleted.isAfter(tokens.now().minus(POD_DELETION_GRACE));
  }

  /** When a bound object being deleted stops vouching for its tokens, or null. */
  private static Instant graceEnd(ObjectLookup.Found found) {
    Instant deleted = found.deletionTimestamp();
    return deleted == null ? null : deleted.plus(POD_DELETION_GRACE);
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
