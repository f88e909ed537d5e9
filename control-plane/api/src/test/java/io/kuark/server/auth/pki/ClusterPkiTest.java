package io.kuark.server.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterPkiTest {

  Path dir;

  @BeforeEach
  void tmp() throws IOException {
    dir = Files.createTempDirectory("pki");
  }

  @AfterEach
  void clean() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void createsOnceAndReusesWithPrivateKeys() throws Exception {
    ServingNames names = ServingNames.forThisHost("10.43.0.1", List.of());
    ClusterPki first = ClusterPki.loadOrCreate(dir, names);
    ClusterPki second = ClusterPki.loadOrCreate(dir, names);
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(second.serving().certificate()).isEqualTo(first.serving().certificate());
    // Service account tokens survive restarts: the signing key is kept and reused.
    assertThat(second.serviceAccountKey().getPublic())
        .isEqualTo(first.serviceAccountKey().getPublic());
    assertThat(
            ((java.security.interfaces.ECPrivateKey) second.serviceAccountKey().getPrivate())
                .getS())
        .isEqualTo(
            ((java.security.interfaces.ECPrivateKey) first.serviceAccountKey().getPrivate())
                .getS());
    for (String key :
        new String[] {
          "ca.key",
          "serving.key",
          "client-admin.key",
          "client-kubelet.key",
          "client-controller-manager.key",
          "client-scheduler.key",
          "service-account.key"
        }) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .isEqualTo("rw-------");
    }
    // The loops' identities: their own users, no groups (so not system:masters), reused.
    X509Certificate cm = first.controllerManager().certificate();
    assertThat(cm.getSubjectX500Principal().getName())
        .isEqualTo("CN=system:kube-controller-manager");
    assertThat(first.ca().signed(cm)).isTrue();
    assertThat(first.scheduler().certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=system:kube-scheduler");
    assertThat(second.scheduler().certificate()).isEqualTo(first.scheduler().certificate());
    X509Certificate admin = first.admin().certificate();
    assertThat(admin.getSubjectX500Principal().getName()).contains("CN=admin", "O=system:masters");
    assertThat(first.ca().signed(admin)).isTrue();
    X509Certificate kubelet = first.kubeletClient().certificate();
    assertThat(kubelet.getSubjectX500Principal().getName())
        .contains("CN=kube-apiserver-kubelet-client", "O=system:masters");
    assertThat(first.ca().signed(kubelet)).isTrue();
    assertThat(kubelet.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(second.kubeletClient().certificate()).isEqualTo(kubelet);
    List<String> sans =
        first.serving().certificate().getSubjectAlternativeNames().stream()
            .map(e -> String.valueOf(e.get(1)))
            .toList();
    assertThat(sans)
        .contains(
            "localhost",
            "127.0.0.1",
            "10.43.0.1",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local");
    long days = (admin.getNotAfter().getTime() - admin.getNotBefore().getTime()) / 86_400_000L;
    assertThat(days).isBetween(365L, 366L);
  }

  @Test
  void shortLivedLeafCertificatesAreRenewedAtStartAndOthersKept() throws Exception {
    ServingNames names = ServingNames.forThisHost("10.43.0.1", List.of());
    ClusterPki first = ClusterPki.loadOrCreate(dir, names);
    // Leaves from the same CA with 30 days left (fewer than 90): due for renewal.
    CertificateAuthority shortLived = first.ca().withLeafValidity(java.time.Duration.ofDays(30));
    CertificateAuthority.IssuedCertificate admin =
        shortLived.issueClient("admin", List.of("system:masters"));
    Files.writeString(dir.resolve("client-admin.crt"), Pem.encode(admin.certificate()));
    Files.writeString(dir.resolve("client-admin.key"), Pem.encode(admin.key()));
    CertificateAuthority.IssuedCertificate serving =
        shortLived.issueServing("kuark-apiserver", names.dnsNames(), names.ips());
    Files.writeString(dir.resolve("serving.crt"), Pem.encode(serving.certificate()));
    Files.writeString(dir.resolve("serving.key"), Pem.encode(serving.key()));
    ClusterPki second = ClusterPki.loadOrCreate(dir, names);
    for (X509Certificate renewed :
        List.of(second.admin().certificate(), second.serving().certificate())) {
      long days = (renewed.getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000L;
      assertThat(days).isBetween(364L, 366L);
      assertThat(second.ca().signed(renewed)).isTrue();
    }
    assertThat(second.admin().certificate()).isNotEqualTo(admin.certificate());
    assertThat(second.serving().certificate()).isNotEqualTo(serving.certificate());
    assertThat(Pem.certificate(Files.readString(dir.resolve("client-admin.crt"))))
        .isEqualTo(second.admin().certificate());
    // 100 days left is more than 90: kept.
    CertificateAuthority.IssuedCertificate kubelet =
        first
            .ca()
            .withLeafValidity(java.time.Duration.ofDays(100))
            .issueClient(ClusterPki.KUBELET_CLIENT_USER, List.of("system:masters"));
    Files.writeString(dir.resolve("client-kubelet.crt"), Pem.encode(kubelet.certificate()));
    Files.writeString(dir.resolve("client-kubelet.key"), Pem.encode(kubelet.key()));
    assertThat(ClusterPki.loadOrCreate(dir, names).kubeletClient().certificate())
        .isEqualTo(kubelet.certificate());
    // The CA is never replaced by renewal.
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
  }

  @Test
  void missingLeafCertificatesAreReissuedFromTheSameCa() throws Exception {
    ServingNames names = ServingNames.forThisHost("10.43.0.1", List.of());
    ClusterPki first = ClusterPki.loadOrCreate(dir, names);
    // What `kuark certificate rotate` leaves behind.
    for (String f : List.of("serving", "client-admin", "client-kubelet")) {
      Files.delete(dir.resolve(f + ".crt"));
      Files.delete(dir.resolve(f + ".key"));
    }
    ClusterPki second = ClusterPki.loadOrCreate(dir, names);
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(second.serving().certificate()).isNotEqualTo(first.serving().certificate());
    assertThat(second.admin().certificate()).isNotEqualTo(first.admin().certificate());
    assertThat(second.kubeletClient().certificate())
        .isNotEqualTo(first.kubeletClient().certificate());
    assertThat(second.ca().signed(second.admin().certificate())).isTrue();
  }

  @Test
  void servingCertificateIsReissuedForNewNames() {
    ClusterPki first =
        ClusterPki.loadOrCreate(dir, ServingNames.forThisHost("10.43.0.1", List.of()));
    ClusterPki second =
        ClusterPki.loadOrCreate(dir, ServingNames.forThisHost("10.43.0.1", List.of("api.example")));
    assertThat(second.serving().certificate()).isNotEqualTo(first.serving().certificate());
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
  }

  @Test
  void kubeconfigIsPrivateAndEmbedsCredentials() throws IOException {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, ServingNames.forThisHost("10.43.0.1", List.of()));
    Path file = dir.resolve("etc/deep/kuark.yaml");
    Kubeconfig.write(file, "https://127.0.0.1:6443", pki.ca().certificate(), pki.admin());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file))
        .contains(
            "server: https://127.0.0.1:6443", "certificate-authority-data:", "client-key-data:");
  }
}
