package io.kuark.server.controller.identity;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The client each controller acts through. The server gives every controller its own ServiceAccount
 * identity ({@link ServiceAccountClients}, upstream's {@code --use-service-account-credentials});
 * tests and single-user setups hand all controllers one client ({@link #shared}).
 */
public interface ControllerClients {

  /**
   * The client controller {@code name} (upstream's ServiceAccount name, e.g. {@code
   * deployment-controller}) writes and reads through. Called once per leadership term and
   * controller; the result stays valid until the server stops.
   */
  KubernetesClient forController(String name);

  /** Every controller acts through {@code client}. */
  static ControllerClients shared(KubernetesClient client) {
    return name -> client;
  }
}
