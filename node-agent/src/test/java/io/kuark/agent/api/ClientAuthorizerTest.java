package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAuthorizerTest {

  private final TestPki pki;
  private final ClientAuthorizer authorizer;

  ClientAuthorizerTest() throws Exception {
    pki = new TestPki();
    authorizer = new ClientAuthorizer(List.of(pki.ca.certificate()));
  }

  @Test
  void noCertificateIs401() {
    assertThat(authorizer.decide(null).code()).isEqualTo(401);
    assertThat(authorizer.decide(new Certificate[0]).code()).isEqualTo(401);
  }

  @Test
  void certificateFromAnotherCaIs401() throws Exception {
    TestPki other = new TestPki();
    Certificate[] chain = {other.client("CN=admin,O=system:masters").certificate()};
    assertThat(authorizer.decide(chain).code()).isEqualTo(401);
  }

  @Test
  void mastersAndTheKubeletClientAreAllowed() throws Exception {
    assertThat(
            authorizer
                .decide(new Certificate[] {pki.client("CN=admin,O=system:masters").certificate()})
                .code())
        .isEqualTo(200);
    assertThat(
            authorizer
                .decide(
                    new Certificate[] {
                      pki.client("CN=kube-apiserver-kubelet-client").certificate()
                    })
                .code())
        .isEqualTo(200);
  }

  @Test
  void otherUsersAre403() throws Exception {
    ClientAuthorizer.Decision decision =
        authorizer.decide(new Certificate[] {pki.client("CN=jane,O=developers").certificate()});
    assertThat(decision.code()).isEqualTo(403);
    assertThat(decision.message()).contains("user=jane");
  }

  @Test
  void withoutAuthorityNobodyGetsIn() throws Exception {
    ClientAuthorizer none = new ClientAuthorizer(List.of());
    assertThat(
            none.decide(new Certificate[] {pki.client("CN=admin,O=system:masters").certificate()})
                .code())
        .isEqualTo(401);
  }
}
