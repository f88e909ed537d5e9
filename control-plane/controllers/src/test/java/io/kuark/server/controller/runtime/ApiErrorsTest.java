package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  @Test
  void recognisesTheNamespaceTerminatingCause() {
    Status s =
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage(
                "pods \"x\" is forbidden: unable to create new content in namespace team because it is being terminated")
            .withNewDetails()
            .addNewCause()
            .withReason("NamespaceTerminating")
            .withField("metadata.namespace")
            .endCause()
            .endDetails()
            .build();
    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException(s))).isTrue();
  }

  @Test
  void otherForbiddenErrorsAreNotIt() {
    Status s =
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage("pods is forbidden: User \"x\" cannot create")
            .build();
    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException(s))).isFalse();
    Status conflict =
        new StatusBuilder().withCode(409).withMessage("because it is being terminated").build();
    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException(conflict))).isFalse();
  }
}
