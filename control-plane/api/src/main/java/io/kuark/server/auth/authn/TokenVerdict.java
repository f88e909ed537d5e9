package io.kuark.server.auth.authn;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One uncached authentication of a token, with what a cache needs to keep it honest.
 *
 * @param result what the token stands for, empty when it was refused
 * @param dependsOn the objects whose change can change the result (for refusals too: creating a
 *     missing object can make a refused token valid)
 * @param validUntil the latest instant the result may be reused (token expiry, end of a deletion
 *     grace period), or null when only the cache's TTL bounds it
 */
public record TokenVerdict<T>(Optional<T> result, Set<ObjectRef> dependsOn, Instant validUntil) {

  public TokenVerdict {
    dependsOn = Set.copyOf(dependsOn);
  }

  /** A refusal that no object change can turn around (malformed, forged, wrong audience). */
  public static <T> TokenVerdict<T> refused() {
    return new TokenVerdict<>(Optional.empty(), Set.of(), null);
  }
}
