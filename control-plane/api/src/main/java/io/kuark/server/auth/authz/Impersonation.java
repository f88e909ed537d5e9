package io.kuark.server.auth.authz;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.ServiceAccountUsers;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code Impersonate-User} / {@code Impersonate-Group} / {@code Impersonate-Uid}: the requester
 * acts as another user when allowed the {@code impersonate} verb on {@code users}, {@code groups}
 * or {@code serviceaccounts} (and {@code uids}) of that name, as upstream's impersonation filter.
 */
public final class Impersonation {

  private final Authorizer authorizer;

  public Impersonation(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** Whether the request asks to impersonate. */
  public static boolean requested(MultiMap headers) {
    return headers.contains("Impersonate-User")
        || headers.contains("Impersonate-Group")
        || headers.contains("Impersonate-Uid");
  }

  /**
   * The user to act as.
   *
   * @throws ApiException 400 for groups without a user, 403 when not allowed
   */
  public UserInfo apply(UserInfo requester, MultiMap headers) {
    String name = headers.get("Impersonate-User");
    List<String> wantedGroups = headers.getAll("Impersonate-Group");
    String uid = headers.get("Impersonate-Uid");
    if (name == null || name.isEmpty()) {
      throw Statuses.badRequest(
          "requested " + (uid != null ? "uid" : "groups") + " without impersonating a user");
    }
    String[] sa = ServiceAccountUsers.split(name);
    if (sa != null) {
      check(requester, "serviceaccounts", sa[0], sa[1]);
    } else {
      check(requester, "users", "", name);
    }
    for (String g : wantedGroups) {
      check(requester, "groups", "", g);
    }
    if (uid != null && !uid.isEmpty()) {
      check(requester, "uids", "", uid);
    }
    List<String> groups = new ArrayList<>(wantedGroups);
    if (sa != null && wantedGroups.isEmpty()) {
      groups.add(ServiceAccountUsers.ALL_GROUP);
      groups.add(ServiceAccountUsers.ALL_GROUP + ":" + sa[0]);
    }
    if (name.equals("system:anonymous")) {
      if (!groups.contains("system:unauthenticated")) {
        groups.add("system:unauthenticated");
      }
    } else if (!groups.contains("system:authenticated")) {
      groups.add("system:authenticated");
    }
    return new UserInfo(name, uid == null ? "" : uid, List.copyOf(groups), Map.of());
  }

  private void check(UserInfo requester, String resource, String namespace, String name) {
    String group = resource.equals("uids") ? "authentication.k8s.io" : "";
    Attributes a =
        new Attributes(
            requester, "impersonate", true, namespace, group, "v1", resource, "", name, "");
    if (!authorizer.authorize(a).allowed()) {
      throw Forbidden.of(a, "");
    }
  }
}
