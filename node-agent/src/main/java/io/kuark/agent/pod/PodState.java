package io.kuark.agent.pod;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's durable record of one pod ({@code pods/<uid>/state.json}): enough to re-adopt the pod
 * after an agent restart without restarting anything (sandbox, addresses, current container of each
 * slot, restart counts, last terminations). Mutable; owned by one pod worker.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class PodState {

  private static final ObjectMapper JSON = new ObjectMapper();

  public String uid;
  public String namespace;
  public String name;
  public long startTimeMillis;
  public boolean sandboxReady;
  public List<String> podIps = new ArrayList<>();
  public JsonNode cniResult;

  /** Set when the node evicted the pod: the pod's status message; nothing runs again. */
  public String evictedMessage;

  /** Keyed by {@code init/<name>} or {@code app/<name>}. */
  public Map<String, Slot> slots = new LinkedHashMap<>();

  /** One container slot of the pod spec and the runtime containers that filled it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Slot {
    /** Runtime id of the current container, null when none exists. */
    public String id;

    public int restartCount;
    public String imageId = "";

    /** Set when the current container ended and will not (yet) be replaced. */
    public Ended ended;

    /** The previous run, reported as lastState. */
    public Ended last;

    /** Set while waiting to start or restart: reason and message reported in state.waiting. */
    public String waitingReason;

    public String waitingMessage;

    /** Earliest restart time (epoch millis) during crash-loop back-off. */
    public long backoffUntilMillis;
  }

  /** One finished container run. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Ended {
    public String id;
    public int exitCode;
    public String reason;
    public String message;
    public long startedMillis;
    public long finishedMillis;
  }

  public static PodState load(Path file) throws IOException {
    return JSON.readValue(file.toFile(), PodState.class);
  }

  public void save(Path file) throws IOException {
    write(file, toJson());
  }

  /** The record as saved. */
  byte[] toJson() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /** Replaces {@code file} with {@code json} atomically (a temporary file renamed over it). */
  static void write(Path file, byte[] json) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, json);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public Slot slot(String key) {
    return slots.computeIfAbsent(key, k -> new Slot());
  }
}
