package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A restarted kuark-server keeps its CA, certificates and objects; SIGTERM stops it cleanly. */
class KuarkServerRestartIT {

  Path dir;

  @BeforeEach
  void tmp() throws IOException {
    dir = Files.createTempDirectory("kuark-restart-it");
  }

  @AfterEach
  void clean() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void restartReusesCertificatesAndData() throws IOException {
    Path data = dir.resolve("data");
    Path kubeconfig = dir.resolve("kuark.yaml");
    String ca;
    try (ServerProcess first = new ServerProcess(data, kubeconfig, ServerProcess.freePort())) {
      Kubectl k = new Kubectl("1.33", kubeconfig);
      k.run("create", "configmap", "keep", "--from-literal=a=1").ok();
      ca = Files.readString(data.resolve("server/tls/ca.crt"));
      // SIGTERM: the JVM reports 143 (128 + SIGTERM) after the shutdown completed cleanly.
      assertThat(first.stop()).isIn(0, 143);
      assertThat(first.log()).contains("kuark-server stopped");
    }
    try (ServerProcess second = new ServerProcess(data, kubeconfig, ServerProcess.freePort())) {
      assertThat(Files.readString(data.resolve("server/tls/ca.crt"))).isEqualTo(ca);
      Kubectl k = new Kubectl("1.27", kubeconfig);
      assertThat(k.run("get", "configmap", "keep", "-o", "jsonpath={.data.a}").ok().out())
          .isEqualTo("1");
      assertThat(k.run("get", "namespaces").ok().out()).contains("kube-system", "Active");
      assertThat(second.stop()).isIn(0, 143);
      assertThat(second.log()).contains("kuark-server stopped");
    }
  }
}
