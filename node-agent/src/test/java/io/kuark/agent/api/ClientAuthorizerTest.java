package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.api.auth.Caller;
import io.kuark.agent.api.auth.KubeletAttributes;
import java.security.cert.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAuthorizerTest {

  private final TestPki pki;
  private final FakeReviews reviews = new FakeReviews();
  private final ClientAuthorizer authorizer;

  ClientAuthorizerTest() throws Exception {
    pki = new TestPki();
    authorizer = reviews.authorizer(pki.ca.certificate(), "node-a");
  }

  private Certificate[] cert(String subject) throws Exception {
    return new Certificate[] {pki.client(subject).certificate()};
  }

  @Test
  void noCredentialsIs401WithoutAskingForAccess() {
    assertThat(authorizer.decide(null, null, "GET", "/healthz").code()).isEqualTo(401);
    assertThat(authorizer.decide(new Certificate[0], "Basic eDp5", "GET", "/healthz").code())
        .isEqualTo(401);
    assertThat(reviews.accessReviews.get()).isZero();
    assertThat(reviews.tokenReviews.get()).isZero();
  }

  @Test
  void certificateFromAnotherCaIs401() throws Exception {
    TestPki other = new TestPki();
    Certificate[] chain = {other.client("CN=admin,O=system:masters").certificate()};
    assertThat(authorizer.decide(chain, null, "GET", "/healthz").code()).isEqualTo(401);
  }

  @Test
  void certificateSubjectBecomesUserAndGroupsOfTheAccessReview() throws Exception {
    assertThat(
            authorizer.decide(cert("CN=admin,O=system:masters"), null, "GET", "/exec/a/b/c").code())
        .isEqualTo(200);
    assertThat(
            authorizer
                .decide(cert("CN=kube-apiserver-kubelet-client"), null, "POST", "/exec/a/b/c")
                .code())
        .isEqualTo(200);
    ClientAuthorizer.Decision jane =
        authorizer.decide(cert("CN=jane,O=developers"), null, "GET", "/stats/summary");
    assertThat(jane.code()).isEqualTo(403);
    assertThat(jane.message())
        .isEqualTo("Forbidden (user=jane, verb=get, resource=nodes, subresource=stats)");
    reviews.grant("jane", "get", "stats");
    assertThat(
            authorizer.decide(cert("CN=jane,O=developers"), null, "GET", "/stats/summary").code())
        .isEqualTo(200);
    assertThat(reviews.asked)
        .contains(
            new KubeletAttributes("get", "proxy", "node-a"),
            new KubeletAttributes("create", "proxy", "node-a"),
            new KubeletAttributes("get", "stats", "node-a"));
  }

  @Test
  void aValidCertificateWinsOverAToken() throws Exception {
    reviews.tokens.put("t", new Caller("someone-else", null, List.of()));
    assertThat(
            authorizer
                .decide(cert("CN=kube-apiserver-kubelet-client"), "Bearer t", "GET", "/")
                .code())
        .isEqualTo(200);
    assertThat(reviews.tokenReviews.get()).isZero();
  }

  @Test
  void bearerTokenIsReviewedWhenTheCertificateIsMissingOrForeign() throws Exception {
    reviews.tokens.put("t", new Caller("system:serviceaccount:ns:sa", "uid", List.of()));
    reviews.grant("system:serviceaccount:ns:sa", "get", "metrics");
    TestPki other = new TestPki();
    Certificate[] foreign = {other.client("CN=admin,O=system:masters").certificate()};
    assertThat(authorizer.decide(foreign, "Bearer t", "GET", "/metrics").code()).isEqualTo(200);
    assertThat(authorizer.decide(null, "bearer  t", "GET", "/metrics/cadvisor").code())
        .isEqualTo(200);
    assertThat(authorizer.decide(null, "Bearer t", "GET", "/healthz").code()).isEqualTo(403);
    assertThat(authorizer.decide(null, "Bearer nope", "GET", "/metrics").code()).isEqualTo(401);
  }

  @Test
  void parsesOnlyBearerAuthorization() {
    assertThat(ClientAuthorizer.bearerToken("Bearer abc")).isEqualTo("abc");
    assertThat(ClientAuthorizer.bearerToken("BEARER abc")).isEqualTo("abc");
    assertThat(ClientAuthorizer.bearerToken("Bearer")).isNull();
    assertThat(ClientAuthorizer.bearerToken("Basic abc")).isNull();
    assertThat(ClientAuthorizer.bearerToken(null)).isNull();
  }
}
