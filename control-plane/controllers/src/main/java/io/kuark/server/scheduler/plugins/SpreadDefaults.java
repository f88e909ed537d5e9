package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The spread constraints a pod without its own gets (upstream's PodTopologySpreadArgs): {@code
 * System} defaulting uses the built-in {@code kubernetes.io/hostname} maxSkew 3 and {@code
 * topology.kubernetes.io/zone} maxSkew 5, both ScheduleAnyway, and nodes need not carry those keys;
 * {@code List} defaulting uses the configured {@code constraints} (none: no defaults) like a pod's
 * own, so nodes without a key are not counted.
 *
 * @param system true for {@code defaultingType: System}
 * @param constraints the configured constraints for {@code List}, without label selectors
 */
public record SpreadDefaults(boolean system, List<TopologySpreadConstraint> constraints) {

  /** Upstream's default: {@code defaultingType: System}. */
  public static final SpreadDefaults SYSTEM =
      new SpreadDefaults(
          true,
          List.of(
              new TopologySpreadConstraintBuilder()
                  .withTopologyKey("kubernetes.io/hostname")
                  .withMaxSkew(3)
                  .withWhenUnsatisfiable("ScheduleAnyway")
                  .build(),
              new TopologySpreadConstraintBuilder()
                  .withTopologyKey("topology.kubernetes.io/zone")
                  .withMaxSkew(5)
                  .withWhenUnsatisfiable("ScheduleAnyway")
                  .build()));

  public SpreadDefaults {
    constraints = List.copyOf(constraints);
  }

  /** {@code defaultingType: List} with {@code constraints}. */
  public static SpreadDefaults list(List<TopologySpreadConstraint> constraints) {
    return new SpreadDefaults(false, constraints);
  }

  /** The default constraints for pods that {@code selector} groups (copies; ours stay intact). */
  List<TopologySpreadConstraint> forSelector(LabelSelector selector) {
    List<TopologySpreadConstraint> out = new ArrayList<>(constraints.size());
    for (TopologySpreadConstraint c : constraints) {
      out.add(new TopologySpreadConstraintBuilder(c).withLabelSelector(selector).build());
    }
    return out;
  }
}
