package io.kuark.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/** Attaches pod sandboxes (network namespaces) to the pod network. */
public interface NetworkPlugin {

  /**
   * Identifies one pod sandbox to the plugin.
   *
   * @param containerId sandbox id (unique per sandbox; the pod UID)
   * @param netns path of the pod's network namespace
   * @param namespace pod namespace
   * @param podName pod name
   * @param podUid pod UID
   */
  record Sandbox(String containerId, Path netns, String namespace, String podName, String podUid) {}

  /** Brings up loopback and attaches {@code eth0}; returns the addresses assigned. */
  CniResult setUp(Sandbox sandbox) throws IOException;

  /**
   * Detaches the sandbox and releases its addresses. Idempotent; tolerates a netns that is already
   * gone.
   *
   * @param previous the result of {@link #setUp}, or null when unknown
   */
  void tearDown(Sandbox sandbox, JsonNode previous) throws IOException;
}
