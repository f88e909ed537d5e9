package io.kuark.agent;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Says why a request to the API server failed, in one line for the agent's log. */
public final class RequestFailures {

  private RequestFailures() {}

  /**
   * The request's message with its innermost cause (the status or the connection error), and for
   * refusals that the server's side has to fix (credentials, authorization, an invalid object) what
   * the refusal means.
   */
  public static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String reason = cause == e ? message : e.getMessage() + " (" + message + ")";
    String meaning = e instanceof KubernetesClientException k ? meaning(k.getCode()) : null;
    return meaning == null ? reason : reason + " [" + meaning + "]";
  }

  private static String meaning(int code) {
    return switch (code) {
      case 401 ->
          "the API server does not accept the agent's credentials: check --token, the kubeconfig"
              + " or the node certificate";
      case 403 -> "the agent's user is not allowed this request: check the server's authorization";
      case 422 -> "the API server rejects the object as invalid";
      default -> null;
    };
  }
}
