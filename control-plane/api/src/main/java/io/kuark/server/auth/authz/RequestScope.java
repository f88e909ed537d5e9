package io.kuark.server.auth.authz;

import io.kuark.server.api.http.UserInfo;
import java.util.function.Supplier;

/**
 * The user of the API request a worker thread is serving, for admission steps whose interface does
 * not carry it. No user in scope means a server-internal write (bootstrap, reconcilers).
 */
public final class RequestScope {

  private static final ThreadLocal<UserInfo> USER = new ThreadLocal<>();

  private RequestScope() {}

  /** Runs {@code work} with {@code user} in scope on this thread. */
  public static <T> T with(UserInfo user, Supplier<T> work) {
    UserInfo previous = USER.get();
    USER.set(user);
    try {
      return work.get();
    } finally {
      if (previous == null) {
        USER.remove();
      } else {
        USER.set(previous);
      }
    }
  }

  /** The requesting user, or null for server-internal writes. */
  public static UserInfo user() {
    return USER.get();
  }
}
