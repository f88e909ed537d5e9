package io.kuark.server.controller.identity;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A bound token of one ServiceAccount, obtained through the TokenRequest API with the controller
 * manager's own credentials (which may create ServiceAccounts and request their tokens, as
 * upstream's {@code system:kube-controller-manager}), as upstream's dynamic controller client
 * builder does. The ServiceAccount is created when missing. The token is renewed once 80 % of its
 * lifetime has passed, or at once after the API rejected it (the ServiceAccount was deleted and
 * recreated, the signing key changed).
 */
final class ServiceAccountToken {
  private final KubernetesClient manager;
  private final String namespace;
  private final String name;
  private final Duration lifetime;
  private final Clock clock;
  private volatile String token;
  private volatile Instant renewAt = Instant.MIN;

  ServiceAccountToken(
      KubernetesClient manager, String namespace, String name, Duration lifetime, Clock clock) {
    this.manager = manager;
    this.namespace = namespace;
    this.name = name;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** The user the token authenticates as. */
  String user() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** The token to send now, or null before the first successful fetch. Never blocks. */
  String current() {
    return token;
  }

  /** True when the token is missing or due for renewal. */
  boolean due() {
    return token == null || !clock.instant().isBefore(renewAt);
  }

  /** Fetches a fresh token (creating the ServiceAccount first if needed). Blocks on the API. */
  synchronized void refresh() {
    ensureServiceAccount();
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(lifetime.toSeconds())
            .endSpec()
            .build();
    TokenRequest issued =
        manager.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(request);
    if (issued == null || issued.getStatus() == null || issued.getStatus().getToken() == null) {
      throw new IllegalStateException("TokenRequest for " + user() + " returned no token");
    }
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    String expiration = issued.getStatus().getExpirationTimestamp();
    if (expiration != null && !expiration.isEmpty()) {
      expires = Instant.parse(expiration);
    }
    token = issued.getStatus().getToken();
    renewAt = now.plus(Duration.between(now, expires).multipliedBy(4).dividedBy(5));
  }

  /**
   * After the API answered 401 to {@code rejected} (null: no token was sent): renews the token
   * unless it has changed since (requests in flight all fail together; one renewal serves them).
   */
  synchronized void refreshAfterRejection(String rejected) {
    if (token == null || token.equals(rejected)) {
      refresh();
    }
  }

  private void ensureServiceAccount() {
    var accounts = manager.serviceAccounts().inNamespace(namespace);
    if (accounts.withName(name).get() != null) {
      return;
    }
    ServiceAccount account =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    try {
      accounts.resource(account).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
