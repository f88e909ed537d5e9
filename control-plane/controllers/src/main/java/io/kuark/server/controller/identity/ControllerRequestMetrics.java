package io.kuark.server.controller.identity;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Responses the API gave each controller's identity, by status code: {@code
 * kuark_controller_requests_total{controller,code}} (what upstream's per-controller {@code
 * rest_client_requests_total} shows). A 403 here is a request outside the controller's role.
 */
public final class ControllerRequestMetrics {
  private record Key(String controller, int code) {}

  private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

  void record(String controller, int code) {
    counts.computeIfAbsent(new Key(controller, code), k -> new LongAdder()).increment();
  }

  /** Requests of {@code controller} answered with {@code code} so far. */
  public long count(String controller, int code) {
    LongAdder n = counts.get(new Key(controller, code));
    return n == null ? 0 : n.sum();
  }

  /** Prometheus text, sorted by labels. */
  public String render() {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach(
        (k, v) ->
            sorted.put(
                "kuark_controller_requests_total{code=\""
                    + k.code()
                    + "\",controller=\""
                    + k.controller()
                    + "\"}",
                v.sum()));
    StringBuilder out = new StringBuilder();
    out.append(
        "# HELP kuark_controller_requests_total Responses to each controller's ServiceAccount"
            + " identity by HTTP status code.\n");
    out.append("# TYPE kuark_controller_requests_total counter\n");
    sorted.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
    return out.toString();
  }
}
