package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.kuark.agent.runtime.ContainerRuntime;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * Runs one probe attempt (exec, httpGet, tcpSocket) against a running container. httpGet and
 * tcpSocket connect from the host to the pod IP (or the probe's host), as kubelet does.
 */
final class Prober {

  private Prober() {}

  /** True when the probe succeeds; an unsupported probe kind counts as success (as upstream). */
  static boolean probe(
      Probe probe,
      Container container,
      String podIp,
      String containerId,
      ContainerRuntime runtime) {
    Duration timeout =
        Duration.ofSeconds(
            probe.getTimeoutSeconds() == null ? 1 : Math.max(1, probe.getTimeoutSeconds()));
    try {
      if (probe.getExec() != null) {
        return runtime.exec(containerId, probe.getExec().getCommand(), timeout) == 0;
      }
      if (probe.getTcpSocket() != null) {
        String host =
            probe.getTcpSocket().getHost() == null || probe.getTcpSocket().getHost().isEmpty()
                ? podIp
                : probe.getTcpSocket().getHost();
        try (Socket socket = new Socket()) {
          socket.connect(
              new InetSocketAddress(host, port(probe.getTcpSocket().getPort(), container)),
              (int) timeout.toMillis());
          return true;
        }
      }
      if (probe.getHttpGet() != null) {
        var get = probe.getHttpGet();
        String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
        String scheme =
            get.getScheme() == null ? "http" : get.getScheme().toLowerCase(java.util.Locale.ROOT);
        String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
        if (!path.startsWith("/")) {
          path = "/" + path;
        }
        URI uri =
            URI.create(
                scheme
                    + "://"
                    + (host.contains(":") ? "[" + host + "]" : host)
                    + ":"
                    + port(get.getPort(), container)
                    + path);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("User-Agent", "kube-probe/1.33");
        if (get.getHttpHeaders() != null) {
          for (HTTPHeader header : get.getHttpHeaders()) {
            connection.setRequestProperty(header.getName(), header.getValue());
          }
        }
        try {
          int code = connection.getResponseCode();
          return code >= 200 && code < 400;
        } finally {
          connection.disconnect();
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A numeric port, or a named container port. */
  static int port(IntOrString port, Container container) throws IOException {
    if (port == null) {
      throw new IOException("probe without port");
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (container.getPorts() != null) {
      for (ContainerPort p : container.getPorts()) {
        if (name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new IOException("unknown named port " + name);
    }
  }
}
