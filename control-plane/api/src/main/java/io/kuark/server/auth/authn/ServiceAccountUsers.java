package io.kuark.server.auth.authn;

import io.kuark.server.api.http.UserInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** User names and groups of service accounts, as upstream spells them. */
public final class ServiceAccountUsers {

  public static final String PREFIX = "system:serviceaccount:";
  public static final String ALL_GROUP = "system:serviceaccounts";

  private ServiceAccountUsers() {}

  public static String userName(String namespace, String name) {
    return PREFIX + namespace + ":" + name;
  }

  /** The user a verified token stands for. */
  public static UserInfo user(BoundToken token) {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    if (!token.id().isEmpty()) {
      // Legacy Secret tokens carry no jti, and upstream gives them no credential id.
      extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + token.id()));
    }
    if (token.pod() != null) {
      extra.put("authentication.kubernetes.io/pod-name", List.of(token.pod().name()));
      extra.put("authentication.kubernetes.io/pod-uid", List.of(token.pod().uid()));
    }
    return new UserInfo(
        token.subject(),
        token.serviceAccountUid(),
        List.of(ALL_GROUP, ALL_GROUP + ":" + token.namespace(), "system:authenticated"),
        Map.copyOf(extra));
  }

  /** Namespace and name of a service account user name, or null for other users. */
  public static String[] split(String userName) {
    if (!userName.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = userName.substring(PREFIX.length()).split(":", -1);
    return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? parts : null;
  }
}
