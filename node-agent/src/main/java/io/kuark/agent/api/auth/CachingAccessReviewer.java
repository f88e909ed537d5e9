package io.kuark.agent.api.auth;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers SubjectAccessReview answers: allowed ones for 5 minutes, denied ones for 30 seconds
 * (upstream kubelet's defaults), so a grant takes effect quickly and a revocation eventually.
 * Failures to ask are not remembered.
 */
public final class CachingAccessReviewer implements AccessReviewer {

  public static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
  public static final Duration DENIED_TTL = Duration.ofSeconds(30);

  private record Key(Caller caller, KubeletAttributes attributes) {}

  private final AccessReviewer delegate;
  private final ExpiringCache<Key, Boolean> cache;

  public CachingAccessReviewer(AccessReviewer delegate, Clock clock) {
    this.delegate = delegate;
    this.cache = new ExpiringCache<>(clock, 4096);
  }

  @Override
  public boolean allowed(Caller caller, KubeletAttributes attributes) throws IOException {
    Key key = new Key(caller, attributes);
    Boolean cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    boolean answer = delegate.allowed(caller, attributes);
    cache.put(key, answer, answer ? ALLOWED_TTL : DENIED_TTL);
    return answer;
  }
}
