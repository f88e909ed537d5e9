package io.kuark.server.auth.authn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Remembers token authentication results briefly, as upstream's cached token authenticator does, so
 * a client presenting the same token again costs a hash and a map lookup instead of a signature
 * verification and storage reads.
 *
 * <p>Entries are keyed by a salted SHA-256 of the token (the token itself is never kept, and the
 * per-process salt defeats precomputed hashes) plus the audiences asked for, so a token accepted
 * for one audience is never answered from another's entry. Accepted tokens are reused for {@link
 * #DEFAULT_SUCCESS_TTL}, refused ones for {@link #DEFAULT_FAILURE_TTL}, never beyond the verdict's
 * {@code validUntil}. Unlike upstream (TTL only), an entry is dropped as soon as {@link
 * #invalidate} names an object it depends on, which {@code TokenCacheInvalidation} does for every
 * write to a service account, secret or pod; the TTL bounds what a missed change can cost.
 *
 * <p>The cache answers only while {@link #enable enabled} (while something follows object changes
 * for it); otherwise every lookup authenticates afresh. At most {@code maxEntries} entries are
 * kept: when full, expired entries go first, then arbitrary ones.
 */
public final class TokenResultCache<T> {

  /** Upstream kube-apiserver's success TTL. */
  public static final Duration DEFAULT_SUCCESS_TTL = Duration.ofSeconds(10);

  /**
   * Refusals are not reused (TTL 0), as upstream's apiserver: a token refused now may be accepted a
   * moment later (its object created, a clock caught up), and the user expects that at once.
   */
  public static final Duration DEFAULT_FAILURE_TTL = Duration.ZERO;

  /** Upstream's size: a 2x margin over 5k nodes and 10k namespaces of tokens. */
  public static final int DEFAULT_MAX_ENTRIES = 32_768;

  private record Key(String tokenHash, List<String> audiences) {}

  private record Entry<T>(Optional<T> result, Instant expires, Set<ObjectRef> dependsOn) {}

  private final Clock clock;
  private final Duration successTtl;
  private final Duration failureTtl;
  private final int maxEntries;
  private final byte[] salt = new byte[32];
  private final Map<Key, Entry<T>> entries = new ConcurrentHashMap<>();
  // Bumped by every invalidation: a result computed while one ran may be stale and is not kept.
  private final AtomicLong invalidations = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private volatile boolean enabled;

  public TokenResultCache(Clock clock, Duration successTtl, Duration failureTtl, int maxEntries) {
    if (successTtl.isNegative() || failureTtl.isNegative() || maxEntries < 1) {
      throw new IllegalArgumentException("cache TTLs must be >= 0 and maxEntries >= 1");
    }
    this.clock = clock;
    this.successTtl = successTtl;
    this.failureTtl = failureTtl;
    this.maxEntries = maxEntries;
    new SecureRandom().nextBytes(salt);
  }

  /** Upstream's TTLs and size, on the system clock. */
  public static <T> TokenResultCache<T> withDefaults() {
    return new TokenResultCache<>(
        Clock.systemUTC(), DEFAULT_SUCCESS_TTL, DEFAULT_FAILURE_TTL, DEFAULT_MAX_ENTRIES);
  }

  /** A cache that is never enabled: every lookup authenticates afresh. */
  public static <T> TokenResultCache<T> disabled() {
    return new TokenResultCache<>(Clock.systemUTC(), Duration.ZERO, Duration.ZERO, 1);
  }

  /**
   * The cached result for {@code token} and {@code audiences}, or {@code check}'s (kept for later)
   * when there is none or it expired.
   */
  public Optional<T> get(String token, List<String> audiences, Supplier<TokenVerdict<T>> check) {
    if (!enabled) {
      return check.get().result();
    }
    Key key = new Key(hash(token), List.copyOf(audiences));
    Instant now = clock.instant();
    Entry<T> cached = entries.get(key);
    if (cached != null && now.isBefore(cached.expires())) {
      hits.increment();
      return cached.result();
    }
    misses.increment();
    long generation = invalidations.get();
    TokenVerdict<T> verdict = check.get();
    Instant expires = now.plus(verdict.result().isPresent() ? successTtl : failureTtl);
    if (verdict.validUntil() != null && verdict.validUntil().isBefore(expires)) {
      expires = verdict.validUntil();
    }
    if (!now.isBefore(expires)) {
      entries.remove(key);
      return verdict.result();
    }
    makeRoom(now);
    Entry<T> entry = new Entry<>(verdict.result(), expires, verdict.dependsOn());
    entries.put(key, entry);
    // An invalidation that ran since the check started may have missed this entry: drop it.
    // One that starts after this read bumps the counter first and then finds the entry.
    if (invalidations.get() != generation) {
      entries.remove(key, entry);
    }
    return verdict.result();
  }

  /** Drops every entry that depends on {@code ref}. */
  public void invalidate(ObjectRef ref) {
    invalidations.incrementAndGet();
    entries.values().removeIf(e -> e.dependsOn().contains(ref));
  }

  /** Drops every entry. */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    entries.clear();
  }

  /**
   * Starts or stops answering from the cache; stopping drops every entry (nothing follows changes
   * any more, so none can be trusted).
   */
  public void enable(boolean on) {
    enabled = on;
    if (!on) {
      invalidateAll();
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public int size() {
    return entries.size();
  }

  /** Lookups answered from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** Lookups that had to authenticate. */
  public long misses() {
    return misses.sum();
  }

  private void makeRoom(Instant now) {
    if (entries.size() < maxEntries) {
      return;
    }
    entries.values().removeIf(e -> !now.isBefore(e.expires()));
    // Still full of live entries: drop a tenth, in no particular order (cheaper than an LRU on
    // every hit; such churn means more live tokens than the cache is sized for).
    int target = maxEntries - Math.max(1, maxEntries / 10);
    Iterator<Key> it = entries.keySet().iterator();
    while (entries.size() > target && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return Base64.getEncoder().encodeToString(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
