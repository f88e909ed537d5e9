package io.kuark.agent.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Remembers TokenReview answers (positive and negative) for a while, as upstream's kubelet does (2
 * minutes by default), so streaming requests relayed one after another do not each cost a round
 * trip. Failures to ask are not remembered. Tokens are kept only as SHA-256 digests.
 */
public final class CachingTokenReviewer implements TokenReviewer {

  public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);

  private final TokenReviewer delegate;
  private final Duration ttl;
  private final ExpiringCache<String, Optional<Caller>> cache;

  public CachingTokenReviewer(TokenReviewer delegate, Duration ttl, Clock clock) {
    this.delegate = delegate;
    this.ttl = ttl;
    this.cache = new ExpiringCache<>(clock, 4096);
  }

  @Override
  public Optional<Caller> review(String token) throws IOException {
    String key = digest(token);
    Optional<Caller> cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<Caller> answer = delegate.review(token);
    cache.put(key, answer, ttl);
    return answer;
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
