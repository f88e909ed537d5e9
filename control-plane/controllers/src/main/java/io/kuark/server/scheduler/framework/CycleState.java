package io.kuark.server.scheduler.framework;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Data plugins compute once per scheduling cycle (in PreFilter) and read in later phases. */
public final class CycleState {
  private final Map<String, Object> data = new HashMap<>();
  private List<NodeInfo> allNodes = List.of();

  /** Every node of the snapshot this cycle schedules against (set by the framework). */
  public List<NodeInfo> allNodes() {
    return allNodes;
  }

  void setAllNodes(List<NodeInfo> nodes) {
    this.allNodes = nodes;
  }

  public void write(String key, Object value) {
    data.put(key, value);
  }

  public <T> T read(String key, Class<T> type) {
    return type.cast(data.get(key));
  }
}
