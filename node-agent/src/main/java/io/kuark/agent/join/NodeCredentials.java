package io.kuark.agent.join;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The node's certificates on disk, under {@code DATA/agent/pki/}: {@code ca.crt}, {@code
 * client.crt/.key} (CN=system:node:NAME, O=system:nodes), {@code serving.crt/.key} (the agent
 * API's), and {@code DATA/agent/kubeconfig.yaml} with the client credentials (usable with kubectl
 * for debugging). Keys and the kubeconfig are written 0600, atomically.
 *
 * @param dir the pki directory
 * @param kubeconfig the kubeconfig file
 */
public record NodeCredentials(Path dir, Path kubeconfig) {

  /** A certificate with its key. */
  public record Pair(X509Certificate certificate, KeyPair key) {
    /** Whether 80% of its lifetime has passed (the kubelet renews between 70% and 90%). */
    public boolean due(Instant now) {
      return !now.isBefore(renewAt());
    }

    public Instant renewAt() {
      long from = certificate.getNotBefore().getTime();
      long to = certificate.getNotAfter().getTime();
      return Instant.ofEpochMilli(from + (to - from) * 8 / 10);
    }

    public boolean expired(Instant now) {
      return !now.isBefore(certificate.getNotAfter().toInstant());
    }
  }

  public static NodeCredentials in(Path agentDir) {
    return new NodeCredentials(agentDir.resolve("pki"), agentDir.resolve("kubeconfig.yaml"));
  }

  /** The stored pair {@code name} ({@code client} or {@code serving}), if readable. */
  public Optional<Pair> load(String name) {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    if (!Files.exists(crt) || !Files.exists(key)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Pair(
              NodeKeys.readCertificate(Files.readString(crt)),
              NodeKeys.readKey(Files.readString(key))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public void store(String name, Pair pair) throws IOException {
    write(dir.resolve(name + ".key"), NodeKeys.keyPem(pair.key()), true);
    write(dir.resolve(name + ".crt"), NodeKeys.pem(pair.certificate()), false);
  }

  public void storeCa(String pem) throws IOException {
    write(dir.resolve("ca.crt"), pem, false);
  }

  /** Writes the kubeconfig for {@code serverUrl} with the CA and the client pair. */
  public void storeKubeconfig(String serverUrl, String caPem, Pair client) throws IOException {
    String yaml =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- cluster:\n"
            + "    certificate-authority-data: "
            + b64(caPem)
            + "\n"
            + "    server: "
            + serverUrl
            + "\n"
            + "  name: default\n"
            + "contexts:\n"
            + "- context:\n"
            + "    cluster: default\n"
            + "    user: default\n"
            + "  name: default\n"
            + "current-context: default\n"
            + "users:\n"
            + "- name: default\n"
            + "  user:\n"
            + "    client-certificate-data: "
            + b64(NodeKeys.pem(client.certificate()))
            + "\n"
            + "    client-key-data: "
            + b64(NodeKeys.keyPem(client.key()))
            + "\n";
    write(kubeconfig, yaml, true);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(Path file, String content, boolean ownerOnly) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(
          tmp, PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
