package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.linux.Namespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connects to {@code localhost:port} inside the pod's network namespace ({@code
 * <netnsDir>/<pod-uid>}): the socket is created and connected on a thread switched into that
 * namespace, and a socket stays in the namespace it was created in, so it is used from anywhere
 * afterwards. Host-network pods are dialled on the host's loopback.
 */
public final class NetnsPodDialer implements PodDialer {

  private final Namespaces namespaces;
  private final Path netnsDir;

  public NetnsPodDialer(Namespaces namespaces, Path netnsDir) {
    this.namespaces = namespaces;
    this.netnsDir = netnsDir;
  }

  @Override
  public SocketChannel dial(Pod pod, int port) throws IOException {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      return SocketChannel.open(target);
    }
    Path netns = netnsDir.resolve(pod.getMetadata().getUid());
    if (!Files.exists(netns)) {
      throw new IOException(
          "the network namespace of pod " + pod.getMetadata().getName() + " is gone");
    }
    try {
      return namespaces.runInNetns(netns, () -> SocketChannel.open(target));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
