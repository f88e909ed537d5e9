package io.kuark.agent.api.auth;

import java.io.IOException;
import java.util.Optional;

/** Asks the API server who a bearer token belongs to (a TokenReview). */
public interface TokenReviewer {

  /**
   * @return the token's user, or empty when the API server says the token is not authenticated
   * @throws IOException when the API server could not be asked
   */
  Optional<Caller> review(String token) throws IOException;
}
