package io.kuark.agent.api.auth;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;

/** {@link AccessReviewer} through {@code POST authorization.k8s.io/v1 subjectaccessreviews}. */
public final class ApiAccessReviewer implements AccessReviewer {

  private final KubernetesClient client;

  public ApiAccessReviewer(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public boolean allowed(Caller caller, KubeletAttributes attributes) throws IOException {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(caller.name())
            .withUid(caller.uid())
            .withGroups(caller.groups())
            .withNewResourceAttributes()
            .withVerb(attributes.verb())
            .withGroup("")
            .withVersion("v1")
            .withResource("nodes")
            .withSubresource(attributes.subresource())
            .withName(attributes.node())
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer;
    try {
      answer = client.authorization().v1().subjectAccessReview().create(review);
    } catch (KubernetesClientException e) {
      throw new IOException("SubjectAccessReview failed: " + e.getMessage(), e);
    }
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
