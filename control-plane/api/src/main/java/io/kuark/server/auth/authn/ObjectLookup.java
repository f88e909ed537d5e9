package io.kuark.server.auth.authn;

import java.time.Instant;
import java.util.Optional;

/** Reads the core objects tokens are bound to (service accounts, pods, secrets). */
public interface ObjectLookup {

  /**
   * The live object's identity.
   *
   * @param uid metadata.uid
   * @param deletionTimestamp metadata.deletionTimestamp, or null
   */
  record Found(String uid, Instant deletionTimestamp) {}

  /**
   * @param resource core plural: {@code serviceaccounts}, {@code pods} or {@code secrets}
   */
  Optional<Found> find(String resource, String namespace, String name);
}
