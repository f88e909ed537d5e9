package io.kuark.agent.pod.gc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubelet's container GC policy as a pure function: which dead containers go, oldest first.
 * Containers younger than the minimum age stay; everything of deleted pods and untracked runtime
 * state goes; of each pod's container name the newest {@code maxPerPodContainer} stay; then, over
 * the whole node, at most {@code maxContainers} stay (each pod container's share trimmed first,
 * then the oldest overall), as upstream's {@code evictContainers}.
 */
public final class DeadContainerSelector {

  /** Newest first: higher attempt, then later finish. */
  private static final Comparator<DeadContainer> NEWEST_FIRST =
      Comparator.comparingInt(DeadContainer::attempt)
          .thenComparing(DeadContainer::finishedAt)
          .reversed();

  /** Eviction order: oldest finish first, then lower attempt. */
  private static final Comparator<DeadContainer> OLDEST_FIRST =
      Comparator.comparing(DeadContainer::finishedAt).thenComparingInt(DeadContainer::attempt);

  private DeadContainerSelector() {}

  /** The dead containers to remove now, in the order to remove them (oldest first). */
  public static List<DeadContainer> select(
      List<DeadContainer> dead, ContainerGcPolicy policy, Instant now) {
    Instant newestCollectable = now.minus(policy.minAge());
    List<DeadContainer> remove = new ArrayList<>();
    Map<String, List<DeadContainer>> units = new LinkedHashMap<>();
    for (DeadContainer container : dead) {
      if (container.finishedAt().isAfter(newestCollectable)) {
        continue; // too young
      }
      if (container.kind() != DeadContainer.Kind.REPLACED) {
        remove.add(container);
        continue;
      }
      units
          .computeIfAbsent(
              container.podUid() + "/" + container.containerName(), k -> new ArrayList<>())
          .add(container);
    }
    for (List<DeadContainer> unit : units.values()) {
      unit.sort(NEWEST_FIRST);
    }
    if (policy.maxPerPodContainer() >= 0) {
      trimUnits(units, policy.maxPerPodContainer(), remove);
    }
    if (policy.maxContainers() >= 0) {
      int kept = count(units);
      if (kept > policy.maxContainers() && !units.isEmpty()) {
        trimUnits(units, Math.max(1, policy.maxContainers() / units.size()), remove);
        List<DeadContainer> rest = new ArrayList<>();
        units.values().forEach(rest::addAll);
        rest.sort(OLDEST_FIRST);
        for (int i = 0; i < rest.size() - policy.maxContainers(); i++) {
          remove.add(rest.get(i));
        }
      }
    }
    remove.sort(OLDEST_FIRST);
    return remove;
  }

  /** Moves all but the newest {@code keep} of each unit to {@code remove}. */
  private static void trimUnits(
      Map<String, List<DeadContainer>> units, int keep, List<DeadContainer> remove) {
    for (List<DeadContainer> unit : units.values()) {
      while (unit.size() > keep) {
        remove.add(unit.remove(unit.size() - 1));
      }
    }
  }

  private static int count(Map<String, List<DeadContainer>> units) {
    int n = 0;
    for (List<DeadContainer> unit : units.values()) {
      n += unit.size();
    }
    return n;
  }
}
