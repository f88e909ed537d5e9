package io.kuark.server.api.system;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named health checks behind {@code /healthz}, {@code /livez} and {@code /readyz}, answered in
 * upstream's text format ({@code ok}, or with {@code ?verbose} one {@code [+]name ok} / {@code
 * [-]name failed: reason withheld} line per check). Checks must be cheap and thread-safe.
 */
public final class HealthChecks {

  /**
   * The text and HTTP status of a health endpoint.
   *
   * @param code 200 or 500
   * @param body the response text
   */
  public record Result(int code, String body) {}

  private final Map<String, Supplier<Boolean>> live = new LinkedHashMap<>();
  private final Map<String, Supplier<Boolean>> ready = new LinkedHashMap<>();

  /** Adds a check to livez/healthz and readyz. */
  public synchronized HealthChecks addLive(String name, Supplier<Boolean> check) {
    live.put(name, check);
    ready.put(name, check);
    return this;
  }

  /** Adds a check to readyz only. */
  public synchronized HealthChecks addReady(String name, Supplier<Boolean> check) {
    ready.put(name, check);
    return this;
  }

  public synchronized Result livez(boolean verbose, String endpoint) {
    return run(live, verbose, endpoint);
  }

  public synchronized Result readyz(boolean verbose) {
    return run(ready, verbose, "readyz");
  }

  private static Result run(
      Map<String, Supplier<Boolean>> checks, boolean verbose, String endpoint) {
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    for (Map.Entry<String, Supplier<Boolean>> e : checks.entrySet()) {
      boolean passed;
      try {
        passed = e.getValue().get();
      } catch (RuntimeException ex) {
        passed = false;
      }
      ok &= passed;
      out.append(passed ? "[+]" : "[-]")
          .append(e.getKey())
          .append(passed ? " ok\n" : " failed: reason withheld\n");
    }
    if (ok && !verbose) {
      return new Result(200, "ok");
    }
    out.append(endpoint).append(ok ? " check passed\n" : " check failed\n");
    return new Result(ok ? 200 : 500, out.toString());
  }
}
