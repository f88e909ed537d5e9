package io.kuark.agent.pod;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of one pod's containers for container GC, taken by the pod worker whenever
 * it saves the pod's state.
 *
 * @param firstLiveAttempt per container name, the lowest attempt that is not dead: the current
 *     attempt while it runs or is about to start, the next one once the current has ended. Lower
 *     attempts are dead. Only grows, so an old snapshot errs on the side of keeping.
 * @param ids runtime ids the worker tracks (current and ended containers)
 */
record PodGcView(Map<String, Integer> firstLiveAttempt, Set<String> ids) {

  static PodGcView of(PodState state) {
    Map<String, Integer> live = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Map.Entry<String, PodState.Slot> entry : state.slots.entrySet()) {
      String name = entry.getKey().substring(entry.getKey().indexOf('/') + 1);
      PodState.Slot slot = entry.getValue();
      live.put(name, slot.ended == null ? slot.restartCount : slot.restartCount + 1);
      if (slot.id != null) {
        ids.add(slot.id);
      }
      if (slot.ended != null && slot.ended.id != null) {
        ids.add(slot.ended.id);
      }
    }
    return new PodGcView(Map.copyOf(live), Set.copyOf(ids));
  }
}
