package io.kuark.agent.api.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** {@link TokenReviewer} through {@code POST authentication.k8s.io/v1 tokenreviews}. */
public final class ApiTokenReviewer implements TokenReviewer {

  private final KubernetesClient client;

  public ApiTokenReviewer(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<Caller> review(String token) throws IOException {
    TokenReview answer;
    try {
      answer =
          client
              .authentication()
              .v1()
              .tokenReviews()
              .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    } catch (KubernetesClientException e) {
      throw new IOException("TokenReview failed: " + e.getMessage(), e);
    }
    TokenReviewStatus status = answer.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      return Optional.empty();
    }
    UserInfo user = status.getUser();
    if (user == null || user.getUsername() == null || user.getUsername().isEmpty()) {
      return Optional.empty();
    }
    List<String> groups = user.getGroups() == null ? List.of() : user.getGroups();
    return Optional.of(new Caller(user.getUsername(), user.getUid(), groups));
  }
}
