package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Recognises API errors controllers treat as expected outcomes rather than failures. */
public final class ApiErrors {
  private ApiErrors() {}

  /**
   * True for "forbidden: unable to create new content in namespace X because it is being
   * terminated" (cause type NamespaceTerminating): retrying is pointless, the namespace and the
   * owner are going away.
   */
  public static boolean namespaceTerminating(KubernetesClientException e) {
    if (e.getCode() != 403) {
      return false;
    }
    if (e.getStatus() != null
        && e.getStatus().getDetails() != null
        && e.getStatus().getDetails().getCauses() != null) {
      for (StatusCause c : e.getStatus().getDetails().getCauses()) {
        if ("NamespaceTerminating".equals(c.getReason())) {
          return true;
        }
      }
    }
    String m = e.getMessage();
    return m != null && m.contains("because it is being terminated");
  }
}
