package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.Cells.text;
import static io.kuark.server.apimodel.table.ColumnDefinition.age;
import static io.kuark.server.apimodel.table.ColumnDefinition.col;
import static io.kuark.server.apimodel.table.ColumnDefinition.nameColumn;
import static io.kuark.server.apimodel.table.ColumnDefinition.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pod rows as upstream prints them: READY counts ready running containers (and started sidecars),
 * STATUS is the phase refined by init progress ({@code Init:1/2}, {@code Init:CrashLoopBackOff}),
 * container waiting/terminated reasons ({@code ContainerCreating}, {@code CrashLoopBackOff}, {@code
 * Completed}, {@code ExitCode:1}), {@code SchedulingGated}, {@code Terminating} and {@code
 * Unknown}; RESTARTS shows {@code N (5m ago)} after a restart.
 */
final class PodPrinter implements Printer {

  private static final List<ColumnDefinition> COLUMNS =
      List.of(
          nameColumn(),
          col(
              "Ready",
              "string",
              "The aggregate readiness state of this pod for accepting traffic."),
          col("Status", "string", "The aggregate status of the containers in this pod."),
          col(
              "Restarts",
              "string",
              "The number of times the containers in this pod have been restarted and when the last"
                  + " container in this pod has restarted."),
          age(),
          wide(
              "IP",
              "string",
              "IP address allocated to the pod. Routable at least within the cluster."),
          wide("Node", "string", "NodeName indicates in which node this pod is scheduled."),
          wide(
              "Nominated Node",
              "string",
              "nominatedNodeName is set only when this pod preempts other pods on the node."),
          wide(
              "Readiness Gates", "string", "If specified, all readiness gates will be evaluated."));

  @Override
  public List<ColumnDefinition> columns() {
    return COLUMNS;
  }

  @Override
  public String[] completed(JsonNode pod) {
    String phase = text(pod, "status", "phase");
    if ("Succeeded".equals(phase)) {
      return new String[] {"Succeeded", "The pod has completed successfully."};
    }
    if ("Failed".equals(phase)) {
      return new String[] {"Failed", "The pod failed."};
    }
    return null;
  }

  @Override
  public List<Object> cells(JsonNode pod, Instant now) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    String phase = status.path("phase").asText("");
    String reason =
        status.path("reason").asText("").isEmpty() ? phase : status.path("reason").asText();
    for (JsonNode c : status.path("conditions")) {
      if ("PodScheduled".equals(c.path("type").asText())
          && "SchedulingGated".equals(c.path("reason").asText())) {
        reason = "SchedulingGated";
      }
    }
    Map<String, Boolean> sidecar = new HashMap<>();
    int total = spec.path("containers").size();
    for (JsonNode c : spec.path("initContainers")) {
      boolean restartable = "Always".equals(c.path("restartPolicy").asText());
      sidecar.put(c.path("name").asText(), restartable);
      if (restartable) {
        total++;
      }
    }
    int ready = 0;
    int restarts = 0;
    int sidecarRestarts = 0;
    Instant lastRestart = null;
    Instant lastSidecarRestart = null;
    boolean initializing = false;
    JsonNode initStatuses = status.path("initContainerStatuses");
    int initCount = spec.path("initContainers").size();
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode c = initStatuses.get(i);
      int rc = c.path("restartCount").asInt(0);
      restarts += rc;
      Instant finished = lastTerminated(c);
      lastRestart = later(lastRestart, finished);
      boolean isSidecar = sidecar.getOrDefault(c.path("name").asText(), false);
      if (isSidecar) {
        sidecarRestarts += rc;
        lastSidecarRestart = later(lastSidecarRestart, finished);
      }
      JsonNode state = c.path("state");
      JsonNode terminated = state.path("terminated");
      JsonNode waiting = state.path("waiting");
      if (terminated.isObject() && terminated.path("exitCode").asInt(0) == 0) {
        continue;
      }
      if (isSidecar && c.path("started").asBoolean(false)) {
        if (c.path("ready").asBoolean(false)) {
          ready++;
        }
        continue;
      }
      if (terminated.isObject()) {
        String r = terminated.path("reason").asText("");
        if (r.isEmpty()) {
          int signal = terminated.path("signal").asInt(0);
          reason =
              signal != 0
                  ? "Init:Signal:" + signal
                  : "Init:ExitCode:" + terminated.path("exitCode").asInt(0);
        } else {
          reason = "Init:" + r;
        }
      } else if (waiting.isObject()
          && !waiting.path("reason").asText("").isEmpty()
          && !"PodInitializing".equals(waiting.path("reason").asText())) {
        reason = "Init:" + waiting.path("reason").asText();
      } else {
        reason = "Init:" + i + "/" + initCount;
      }
      initializing = true;
      break;
    }
    if (!initializing || initializedConditionTrue(status)) {
      restarts = sidecarRestarts;
      lastRestart = lastSidecarRestart;
      boolean hasRunning = false;
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode c = statuses.get(i);
        restarts += c.path("restartCount").asInt(0);
        lastRestart = later(lastRestart, lastTerminated(c));
        JsonNode state = c.path("state");
        JsonNode waiting = state.path("waiting");
        JsonNode terminated = state.path("terminated");
        if (waiting.isObject() && !waiting.path("reason").asText("").isEmpty()) {
          reason = waiting.path("reason").asText();
        } else if (terminated.isObject() && !terminated.path("reason").asText("").isEmpty()) {
          reason = terminated.path("reason").asText();
        } else if (terminated.isObject()) {
          int signal = terminated.path("signal").asInt(0);
          reason =
              signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt(0);
        } else if (c.path("ready").asBoolean(false) && state.path("running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if ("Completed".equals(reason) && hasRunning) {
        reason = readyConditionTrue(status) ? "Running" : "NotReady";
      }
    }
    boolean deleting = !text(pod, "metadata", "deletionTimestamp").isEmpty();
    if (deleting && "NodeLost".equals(status.path("reason").asText())) {
      reason = "Unknown";
    } else if (deleting && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      reason = "Terminating";
    }
    String restartsCell =
        lastRestart == null
            ? Integer.toString(restarts)
            : restarts
                + " ("
                + HumanDuration.format(java.time.Duration.between(lastRestart, now))
                + " ago)";
    List<Object> cells = new ArrayList<>();
    cells.add(text(pod, "metadata", "name"));
    cells.add(ready + "/" + total);
    cells.add(reason);
    cells.add(restartsCell);
    cells.add(HumanDuration.since(text(pod, "metadata", "creationTimestamp"), now));
    String ip = status.path("podIPs").path(0).path("ip").asText("");
    if (ip.isEmpty()) {
      ip = status.path("podIP").asText("");
    }
    cells.add(Cells.orNone(ip));
    cells.add(Cells.orNone(spec.path("nodeName").asText("")));
    cells.add(Cells.orNone(status.path("nominatedNodeName").asText("")));
    cells.add(readinessGates(spec, status));
    return cells;
  }

  private static String readinessGates(JsonNode spec, JsonNode status) {
    JsonNode gates = spec.path("readinessGates");
    if (gates.size() == 0) {
      return Cells.NONE;
    }
    int trueCount = 0;
    for (JsonNode gate : gates) {
      String type = gate.path("conditionType").asText();
      for (JsonNode c : status.path("conditions")) {
        if (type.equals(c.path("type").asText())) {
          if ("True".equals(c.path("status").asText())) {
            trueCount++;
          }
          break;
        }
      }
    }
    return trueCount + "/" + gates.size();
  }

  private static boolean readyConditionTrue(JsonNode status) {
    return conditionTrue(status, "Ready");
  }

  private static boolean initializedConditionTrue(JsonNode status) {
    return conditionTrue(status, "Initialized");
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static Instant lastTerminated(JsonNode containerStatus) {
    String finished =
        containerStatus.path("lastState").path("terminated").path("finishedAt").asText("");
    if (finished.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(finished);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.isAfter(a) ? b : a;
  }
}
