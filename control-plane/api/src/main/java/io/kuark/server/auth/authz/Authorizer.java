package io.kuark.server.auth.authz;

/** Decides whether a request may proceed. */
public interface Authorizer {

  /** The outcome; {@code NO_OPINION} denies when no other authorizer allows. */
  enum Decision {
    ALLOW,
    DENY,
    NO_OPINION;

    public boolean allowed() {
      return this == ALLOW;
    }
  }

  Decision authorize(Attributes attributes);
}
