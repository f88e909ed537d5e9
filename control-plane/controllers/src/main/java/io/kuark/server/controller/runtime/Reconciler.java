package io.kuark.server.controller.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * One controller's level-triggered sync. Called with one key at a time per key; must re-read the
 * object from informer caches and be idempotent. Throwing requeues the key with backoff.
 */
@FunctionalInterface
public interface Reconciler {

  /**
   * Brings the world in line with the object named by {@code key}. Returns a delay when the key
   * must be looked at again later even without a change (e.g. a deadline), otherwise empty.
   */
  Optional<Duration> reconcile(String key) throws Exception;
}
