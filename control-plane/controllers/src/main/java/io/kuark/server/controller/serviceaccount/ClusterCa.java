package io.kuark.server.controller.serviceaccount;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/** Reads the cluster CA bundle (PEM) the client trusts, from inline data or a file. */
public final class ClusterCa {
  private ClusterCa() {}

  public static Optional<String> pem(Config config) {
    try {
      if (config.getCaCertData() != null && !config.getCaCertData().isEmpty()) {
        String data = config.getCaCertData().trim();
        if (data.startsWith("-----BEGIN")) {
          return Optional.of(data.endsWith("\n") ? data : data + "\n");
        }
        return Optional.of(
            new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8));
      }
      if (config.getCaCertFile() != null && !config.getCaCertFile().isEmpty()) {
        return Optional.of(
            Files.readString(Path.of(config.getCaCertFile()), StandardCharsets.UTF_8));
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
