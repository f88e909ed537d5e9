package io.kuark.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientConfigTest {
  @TempDir Path dir;

  private static String kubeconfig(String user) {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: c\n"
        + "  cluster:\n"
        + "    server: https://127.0.0.1:6443\n"
        + "contexts:\n"
        + "- name: x\n"
        + "  context:\n"
        + "    cluster: c\n"
        + "    user: u\n"
        + "current-context: x\n"
        + "users:\n"
        + "- name: u\n"
        + "  user:\n"
        + user;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  @Test
  void certificateKubeconfigIsNotReadAgainOnRefresh() throws Exception {
    Path file = dir.resolve("kubeconfig.yaml");
    Files.writeString(
        file,
        kubeconfig(
            "    client-certificate-data: "
                + b64("cert")
                + "\n    client-key-data: "
                + b64("key")
                + "\n"));
    Config config = Agent.clientConfig(file);
    // What fabric8's token-refresh interceptor does before a request: with the file kept, this
    // would parse the file again (and fail on what is now there).
    Files.writeString(file, "not: [a kubeconfig");

    Config refreshed = config.refresh();

    assertThat(config.getFile()).isNull();
    assertThat(refreshed.getClientCertData()).isEqualTo(b64("cert"));
    assertThat(refreshed.getMasterUrl()).startsWith("https://127.0.0.1:6443");
  }

  @Test
  void tokenKubeconfigStillPicksUpARotatedToken() throws Exception {
    Path file = dir.resolve("kubeconfig.yaml");
    Files.writeString(file, kubeconfig("    token: first\n"));
    Config config = Agent.clientConfig(file);
    Files.writeString(file, kubeconfig("    token: second\n"));

    assertThat(config.getAutoOAuthToken()).isEqualTo("first");
    assertThat(config.refresh().getAutoOAuthToken()).isEqualTo("second");
  }

  @Test
  void relativeCertificatePathsStillResolveAgainstTheFilesFolder() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("conf"));
    Path file = sub.resolve("kubeconfig.yaml");
    Files.writeString(
        file, kubeconfig("    client-certificate: node.crt\n    client-key: node.key\n"));

    Config config = Agent.clientConfig(file);

    assertThat(config.getClientCertFile()).isEqualTo(sub.resolve("node.crt").toString());
  }
}
