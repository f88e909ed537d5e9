package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** Opens TCP connections to a port on a pod's own loopback (port-forward). */
public interface PodDialer {

  /** A connected, blocking-mode socket to {@code localhost:port} inside the pod's network. */
  SocketChannel dial(Pod pod, int port) throws IOException;
}
