package io.kuark.server.controller;

import io.kuark.server.controller.identity.ControllerClients;
import io.kuark.server.controller.runtime.LoopContext;

/** The loop context of each controller: the shared one with the controller's own client. */
final class ControllerContexts {
  private final LoopContext shared;
  private final ControllerClients clients;

  ControllerContexts(LoopContext shared, ControllerClients clients) {
    this.shared = shared;
    this.clients = clients;
  }

  /** The context of controller {@code name} (its ServiceAccount name, as upstream's). */
  LoopContext of(String name) {
    return shared.withClient(clients.forController(name));
  }
}
