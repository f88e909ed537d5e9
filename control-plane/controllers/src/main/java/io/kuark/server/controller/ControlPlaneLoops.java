package io.kuark.server.controller;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Starts every controller and the scheduler of a Kuark server; closing the handle stops them. */
public final class ControlPlaneLoops {

  private ControlPlaneLoops() {}

  /**
   * Starts all controllers and the scheduler against the API reachable through {@code client}.
   * Returns once informers are started (not necessarily synced). Closing the result stops the
   * loops; it does not close the client.
   */
  public static AutoCloseable start(KubernetesClient client, ControlPlaneLoopsConfig config) {
    return () -> {};
  }
}
