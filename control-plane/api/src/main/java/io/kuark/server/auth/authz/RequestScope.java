package io.kuark.server.auth.authz;

import io.kuark.server.api.http.UserInfo;
import java.util.function.Supplier;

/**
 * The user of the API request a worker thread is serving, for admission steps whose interface does
 * not carry it. No user in scope means a server-internal write (bootstrap, reconcilers).
 */
public final class RequestScope {

  private static final ThreadLocal<UserInfo> USER = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> DRY_RUN = new ThreadLocal<>();

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

  /**
   * Runs {@code work} with {@code user} in scope and whether the request is a dry run (admission
   * steps with side effects, such as quota charging, skip them then).
   */
  public static <T> T with(UserInfo user, boolean dryRun, Supplier<T> work) {
    Boolean previous = DRY_RUN.get();
    DRY_RUN.set(dryRun);
    try {
      return with(user, work);
    } finally {
      if (previous == null) {
        DRY_RUN.remove();
      } else {
        DRY_RUN.set(previous);
      }
    }
  }

  /** Whether the request in scope is a dry run ({@code dryRun=All}). */
  public static boolean dryRun() {
    return Boolean.TRUE.equals(DRY_RUN.get());
  }

  /** The requesting user, or null for server-internal writes. */
  public static UserInfo user() {
    return USER.get();
  }
}
