package io.kuark.agent.api.auth;

import java.io.IOException;

/** Asks the API server whether a caller may do something to this node (a SubjectAccessReview). */
public interface AccessReviewer {

  /**
   * @return whether the API server allows it
   * @throws IOException when the API server could not be asked
   */
  boolean allowed(Caller caller, KubeletAttributes attributes) throws IOException;
}
