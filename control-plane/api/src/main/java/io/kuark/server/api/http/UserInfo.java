package io.kuark.server.api.http;

import java.util.List;
import java.util.Map;

/**
 * The authenticated user of a request.
 *
 * @param name user name (client certificate CN, token subject)
 * @param uid user uid, or "" when the authenticator has none (certificates)
 * @param groups groups, including {@code system:authenticated}
 * @param extra extra attributes (e.g. {@code authentication.kubernetes.io/pod-name})
 */
public record UserInfo(
    String name, String uid, List<String> groups, Map<String, List<String>> extra) {

  public UserInfo(String name, List<String> groups) {
    this(name, "", groups, Map.of());
  }

  /** Whether the user is in {@code group}. */
  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
