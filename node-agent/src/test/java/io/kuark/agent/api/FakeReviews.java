package io.kuark.agent.api;

import io.kuark.agent.api.auth.AccessReviewer;
import io.kuark.agent.api.auth.Caller;
import io.kuark.agent.api.auth.ClientCertificateAuthenticator;
import io.kuark.agent.api.auth.KubeletAttributes;
import io.kuark.agent.api.auth.TokenReviewer;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the API server's TokenReview and SubjectAccessReview: known tokens, and a policy
 * like the default RBAC one (system:masters and the kubelet client may do everything) plus grants a
 * test adds. Counts the reviews it answers and can be switched to failing.
 */
final class FakeReviews implements TokenReviewer, AccessReviewer {

  final Map<String, Caller> tokens = new ConcurrentHashMap<>();

  /** Grants as {@code user|verb|subresource}. */
  final List<String> grants = new java.util.concurrent.CopyOnWriteArrayList<>();

  final AtomicInteger tokenReviews = new AtomicInteger();
  final AtomicInteger accessReviews = new AtomicInteger();
  final List<KubeletAttributes> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile boolean unreachable;

  void grant(String user, String verb, String subresource) {
    grants.add(user + "|" + verb + "|" + subresource);
  }

  @Override
  public Optional<Caller> review(String token) throws IOException {
    tokenReviews.incrementAndGet();
    if (unreachable) {
      throw new IOException("connection refused");
    }
    return Optional.ofNullable(tokens.get(token));
  }

  @Override
  public boolean allowed(Caller caller, KubeletAttributes attributes) throws IOException {
    accessReviews.incrementAndGet();
    asked.add(attributes);
    if (unreachable) {
      throw new IOException("connection refused");
    }
    if (caller.groups().contains("system:masters")
        || caller.name().equals("kube-apiserver-kubelet-client")) {
      return true;
    }
    return grants.contains(
        caller.name() + "|" + attributes.verb() + "|" + attributes.subresource());
  }

  /** An authorizer for node {@code node} trusting {@code ca} and asking this fake. */
  ClientAuthorizer authorizer(X509Certificate ca, String node) {
    return new ClientAuthorizer(
        new ClientCertificateAuthenticator(new ArrayList<>(List.of(ca))), this, this, node);
  }
}
