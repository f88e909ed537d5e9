package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.patch.ManagedFields;

/**
 * The field manager of a request, as upstream names it: the {@code fieldManager} parameter, or else
 * the product part of the User-Agent ({@code kubectl} for {@code kubectl/v1.32.0 (linux…)}).
 */
final class FieldManagers {

  /** Upstream's limit on a field manager's length. */
  private static final int MAX_LENGTH = 128;

  private FieldManagers() {}

  static ManagedFields.Manager of(ApiRequest req, String subresource) {
    String name = req.param("fieldManager");
    if (name.isEmpty()) {
      String agent = req.userAgent() == null ? "" : req.userAgent();
      int slash = agent.indexOf('/');
      name = slash < 0 ? agent : agent.substring(0, slash);
      if (name.length() > MAX_LENGTH) {
        name = name.substring(0, MAX_LENGTH);
      }
    } else {
      check(name);
    }
    return new ManagedFields.Manager(name, subresource, req.type().apiVersion());
  }

  /** A 400 for a fieldManager upstream would refuse (too long, control characters). */
  static void check(String name) {
    if (name.length() > MAX_LENGTH) {
      throw Statuses.badRequest(
          "fieldManager: Invalid value: \""
              + name.substring(0, 16)
              + "…\": must be no more than 128 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw Statuses.badRequest(
            "fieldManager: Invalid value: \""
                + name
                + "\": must only contain printable characters");
      }
    }
  }
}
