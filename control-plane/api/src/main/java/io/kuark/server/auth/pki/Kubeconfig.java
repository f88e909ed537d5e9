package io.kuark.server.auth.pki;

import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** Writes kubeconfig files with embedded CA and client credentials. */
public final class Kubeconfig {

  private Kubeconfig() {}

  /**
   * The YAML of a kubeconfig with one cluster, user and context all named {@code default} (as k3s
   * names them), pointing at {@code serverUrl}.
   */
  public static String render(String serverUrl, X509Certificate ca, IssuedCertificate client) {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- cluster:\n"
        + "    certificate-authority-data: "
        + b64(Pem.encode(ca))
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
        + "preferences: {}\n"
        + "users:\n"
        + "- name: default\n"
        + "  user:\n"
        + "    client-certificate-data: "
        + b64(Pem.encode(client.certificate()))
        + "\n"
        + "    client-key-data: "
        + b64(Pem.encodeTraditional(client.key(), client.publicKey()))
        + "\n";
  }

  /** Writes the kubeconfig to {@code file} with mode 0600, creating parent directories. */
  public static void write(
      Path file, String serverUrl, X509Certificate ca, IssuedCertificate client) {
    SecureFiles.writePrivate(file, render(serverUrl, ca, client));
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }
}
