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

  /** One attempt's verdict and, for a failure, why (the tail of kubelet's "Unhealthy" event). */
  record Result(boolean ok, String detail) {
    static final Result SUCCESS = new Result(true, "");

    static Result failure(String detail) {
      return new Result(false, detail);
    }
  }

  /** The attempt's result; an unsupported probe kind counts as success (as upstream). */
  static Result probe(
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
        int status = runtime.exec(containerId, probe.getExec().getCommand(), timeout);
        return status == 0
            ? Result.SUCCESS
            : Result.failure("command " + probe.getExec().getCommand() + " exited with " + status);
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
          return Result.SUCCESS;
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
          return code >= 200 && code < 400
              ? Result.SUCCESS
              : Result.failure("HTTP probe failed with statuscode: " + code);
        } finally {
          connection.disconnect();
        }
      }
      return Result.SUCCESS;
    } catch (IOException | RuntimeException e) {
      return Result.failure(String.valueOf(e.getMessage()));
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
