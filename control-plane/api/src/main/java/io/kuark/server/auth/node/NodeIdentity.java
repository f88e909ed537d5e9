package io.kuark.server.auth.node;

import io.kuark.server.api.http.UserInfo;

/** Node credentials: user {@code system:node:<name>} in group {@code system:nodes}. */
public final class NodeIdentity {

  public static final String PREFIX = "system:node:";
  public static final String GROUP = "system:nodes";

  private NodeIdentity() {}

  /** The node name of a node identity, or "" for every other user. */
  public static String nodeName(UserInfo user) {
    if (user == null || !user.inGroup(GROUP) || !user.name().startsWith(PREFIX)) {
      return "";
    }
    return user.name().substring(PREFIX.length());
  }
}
