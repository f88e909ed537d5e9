package io.kuark.server.auth.authn;

import java.time.Instant;
import java.util.List;

/**
 * What a service account token says (upstream's private claims under {@code kubernetes.io}).
 *
 * @param namespace the service account's namespace
 * @param serviceAccount the service account's name
 * @param serviceAccountUid its uid when the token was issued
 * @param pod the pod the token is bound to, or null
 * @param secret the secret the token is bound to, or null
 * @param audiences intended audiences
 * @param issuedAt iat
 * @param expiresAt exp
 * @param id jti
 */
public record BoundToken(
    String namespace,
    String serviceAccount,
    String serviceAccountUid,
    BoundObject pod,
    BoundObject secret,
    List<String> audiences,
    Instant issuedAt,
    Instant expiresAt,
    String id) {

  /** A name and uid of an object a token is bound to. */
  public record BoundObject(String name, String uid) {}

  /** {@code system:serviceaccount:NS:NAME}. */
  public String subject() {
    return ServiceAccountUsers.userName(namespace, serviceAccount);
  }
}
