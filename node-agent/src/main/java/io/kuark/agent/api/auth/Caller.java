package io.kuark.agent.api.auth;

import java.util.List;

/**
 * An authenticated agent API client, as the API server would name it.
 *
 * @param name user name (certificate CN, TokenReview user)
 * @param uid user uid (TokenReview), or null
 * @param groups groups (certificate O entries, TokenReview groups)
 */
public record Caller(String name, String uid, List<String> groups) {
  public Caller {
    groups = List.copyOf(groups);
  }
}
