package io.kuark.agent.eviction;

import java.util.Map;

/** Measures the node's eviction signals; a signal it cannot measure is absent from the map. */
public interface SignalSource {
  Map<String, Observation> observe();
}
