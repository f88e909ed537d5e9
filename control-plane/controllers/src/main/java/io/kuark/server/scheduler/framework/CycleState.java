package io.kuark.server.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/** Data plugins compute once per scheduling cycle (in PreFilter) and read in later phases. */
public final class CycleState {
  private final Map<String, Object> data = new HashMap<>();

  public void write(String key, Object value) {
    data.put(key, value);
  }

  public <T> T read(String key, Class<T> type) {
    return type.cast(data.get(key));
  }
}
