package io.kuark.server.scheduler;

import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.PreBindPlugin;
import io.kuark.server.scheduler.framework.PreFilterPlugin;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.plugins.BalancedAllocation;
import io.kuark.server.scheduler.plugins.ImageLocality;
import io.kuark.server.scheduler.plugins.InterPodAffinity;
import io.kuark.server.scheduler.plugins.NodeAffinityPlugin;
import io.kuark.server.scheduler.plugins.NodeName;
import io.kuark.server.scheduler.plugins.NodePorts;
import io.kuark.server.scheduler.plugins.NodeReady;
import io.kuark.server.scheduler.plugins.NodeResourcesFit;
import io.kuark.server.scheduler.plugins.NodeUnschedulable;
import io.kuark.server.scheduler.plugins.PodTopologySpread;
import io.kuark.server.scheduler.plugins.SpreadDefaults;
import io.kuark.server.scheduler.plugins.TaintToleration;
import io.kuark.server.scheduler.plugins.VolumeBinding;
import io.kuark.server.scheduler.plugins.VolumeLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The {@code default-scheduler} profile: upstream's default plugin order and score weights. */
public final class DefaultProfile {
  public static final String SCHEDULER_NAME = "default-scheduler";

  private DefaultProfile() {}

  /** The profile without volume awareness (pods with claims schedule as if claims were absent). */
  public static SchedulingFramework create(Random random) {
    return create(random, null);
  }

  /** The profile; with {@code volumes} non-null the VolumeBinding plugin takes part. */
  public static SchedulingFramework create(Random random, VolumeLookup volumes) {
    return create(random, volumes, null, ns -> null);
  }

  /**
   * The profile with cluster knowledge: {@code defaultSpread} selects the pods a pod without spread
   * constraints spreads against (system default constraints; null for none) and {@code
   * namespaceLabels} gives Namespace labels for pod (anti-)affinity {@code namespaceSelector}s.
   */
  public static SchedulingFramework create(
      Random random,
      VolumeLookup volumes,
      java.util.function.Function<
              io.fabric8.kubernetes.api.model.Pod, io.fabric8.kubernetes.api.model.LabelSelector>
          defaultSpread,
      java.util.function.Function<String, java.util.Map<String, String>> namespaceLabels) {
    return create(random, volumes, defaultSpread, namespaceLabels, SpreadDefaults.SYSTEM);
  }

  /** As above, with {@code spreadDefaults} for pods without spread constraints of their own. */
  public static SchedulingFramework create(
      Random random,
      VolumeLookup volumes,
      java.util.function.Function<
              io.fabric8.kubernetes.api.model.Pod, io.fabric8.kubernetes.api.model.LabelSelector>
          defaultSpread,
      java.util.function.Function<String, java.util.Map<String, String>> namespaceLabels,
      SpreadDefaults spreadDefaults) {
    TaintToleration taints = new TaintToleration();
    NodeAffinityPlugin affinity = new NodeAffinityPlugin();
    NodeResourcesFit fit = new NodeResourcesFit();
    List<FilterPlugin> filters =
        new ArrayList<>(
            List.of(
                new NodeUnschedulable(),
                new NodeName(),
                taints,
                new NodeReady(),
                affinity,
                new NodePorts(),
                fit));
    PodTopologySpread spread = new PodTopologySpread(defaultSpread, spreadDefaults);
    InterPodAffinity podAffinity = new InterPodAffinity(namespaceLabels);
    List<PreFilterPlugin> preFilters = new ArrayList<>();
    preFilters.add(spread);
    preFilters.add(podAffinity);
    List<PreBindPlugin> preBinds = new ArrayList<>();
    filters.add(spread);
    filters.add(podAffinity);
    if (volumes != null) {
      VolumeBinding binding = new VolumeBinding(volumes);
      preFilters.add(binding);
      filters.add(binding);
      preBinds.add(binding);
    }
    List<ScorePlugin> scorers =
        List.of(
            taints,
            affinity,
            fit,
            new BalancedAllocation(),
            spread,
            podAffinity,
            new ImageLocality());
    return new SchedulingFramework(preFilters, filters, scorers, preBinds, random);
  }
}
