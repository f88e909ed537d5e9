package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.plugins.SpreadDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code --scheduler-config}: PodTopologySpreadArgs {@code defaultConstraints} and {@code
 * defaultingType} of a KubeSchedulerConfiguration, validated as upstream, and their effect on pods
 * without constraints of their own.
 */
class SchedulerConfigurationTest {
  private static final String HEAD =
      "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

  private static String spreadArgs(String args) {
    return HEAD
        + "profiles:\n- schedulerName: default-scheduler\n  pluginConfig:\n"
        + "  - name: PodTopologySpread\n    args:\n"
        + args;
  }

  private static final String ZONE_LIST =
      spreadArgs(
          "      defaultingType: List\n      defaultConstraints:\n"
              + "      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone,"
              + " whenUnsatisfiable: DoNotSchedule}\n");

  @Test
  void listDefaultingTakesTheConfiguredConstraints() {
    SpreadDefaults d = SchedulerConfiguration.spreadDefaults(ZONE_LIST);
    assertThat(d.system()).isFalse();
    assertThat(d.constraints()).hasSize(1);
    assertThat(d.constraints().get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(d.constraints().get(0).getMaxSkew()).isEqualTo(1);
    assertThat(d.constraints().get(0).getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
  }

  @Test
  void systemIsTheDefaultAndAnEmptyListMeansNoDefaults() {
    assertThat(SchedulerConfiguration.spreadDefaults(HEAD)).isEqualTo(SpreadDefaults.SYSTEM);
    assertThat(SchedulerConfiguration.spreadDefaults(spreadArgs("      defaultingType: System\n")))
        .isEqualTo(SpreadDefaults.SYSTEM);
    SpreadDefaults none =
        SchedulerConfiguration.spreadDefaults(spreadArgs("      defaultingType: List\n"));
    assertThat(none.system()).isFalse();
    assertThat(none.constraints()).isEmpty();
  }

  @Test
  void invalidConfigurationsAreRefusedWithTheField() {
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    spreadArgs(
                        "      defaultingType: System\n      defaultConstraints:\n"
                            + "      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n")))
        .hasMessageContaining(
            "defaultConstraints: Invalid value: when .defaultingType is \"System\", "
                + ".defaultConstraints must be empty");
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    spreadArgs(
                        "      defaultingType: List\n      defaultConstraints:\n"
                            + "      - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n")))
        .hasMessageContaining("defaultConstraints[0].maxSkew: must be greater than zero");
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    spreadArgs(
                        "      defaultingType: List\n      defaultConstraints:\n"
                            + "      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway,"
                            + " labelSelector: {matchLabels: {a: b}}}\n")))
        .hasMessageContaining("labelSelector: constraint must not define a selector");
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    spreadArgs(
                        "      defaultingType: List\n      defaultConstraints:\n"
                            + "      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n"
                            + "      - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n")))
        .hasMessageContaining("defaultConstraints[1]: Duplicate value: {zone, ScheduleAnyway}");
    assertThatThrownBy(
            () -> SchedulerConfiguration.spreadDefaults(spreadArgs("      defaultingType: Some\n")))
        .hasMessageContaining("defaultingType: supported values: \"List\", \"System\"");
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    HEAD + "profiles:\n- schedulerName: my-scheduler\n"))
        .hasMessageContaining(
            "profiles[0].schedulerName: only the default-scheduler profile exists");
    assertThatThrownBy(
            () -> SchedulerConfiguration.spreadDefaults(HEAD + "percentageOfNodesToScore: 50\n"))
        .hasMessageContaining("percentageOfNodesToScore: not supported");
    assertThatThrownBy(
            () ->
                SchedulerConfiguration.spreadDefaults(
                    "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n"))
        .hasMessageContaining("must have apiVersion kubescheduler.config.k8s.io/v1");
  }

  @Test
  void readNamesTheFileInErrors() throws Exception {
    Path dir = Files.createTempDirectory("kuark-sched-config");
    try {
      Path file = dir.resolve("sched.yaml");
      Files.writeString(file, ZONE_LIST);
      assertThat(SchedulerConfiguration.read(file).system()).isFalse();
      assertThat(SchedulerConfiguration.read(null)).isEqualTo(SpreadDefaults.SYSTEM);
      Files.writeString(file, HEAD + "profiles:\n- schedulerName: other\n");
      assertThatThrownBy(() -> SchedulerConfiguration.read(file))
          .hasMessageStartingWith("--scheduler-config " + file + ": profiles[0].schedulerName");
      Files.delete(file);
      assertThatThrownBy(() -> SchedulerConfiguration.read(file))
          .hasMessageStartingWith("--scheduler-config " + file + ": ");
    } finally {
      Files.deleteIfExists(dir.resolve("sched.yaml"));
      Files.delete(dir);
    }
  }

  private static Node node(String name, String zone) {
    Node n = Fixtures.node(name, "8", "16Gi");
    Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels());
    if (zone != null) {
      labels.put("topology.kubernetes.io/zone", zone);
    }
    n.getMetadata().setLabels(labels);
    return n;
  }

  private static Pod web(String name) {
    Pod p = Fixtures.pod(name, "100m", "64Mi");
    p.getMetadata().setLabels(Map.of("app", "web"));
    return p;
  }

  private static NodeInfo info(Node n, Pod... running) {
    NodeInfo info = new NodeInfo(n);
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  @Test
  void listedDefaultsApplyToPodsWithoutConstraintsLikeTheirOwn() {
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "web"))
            .endSpec()
            .build();
    DefaultSpreadSelector selector =
        new DefaultSpreadSelector(
            ns -> List.of(service), ns -> List.of(), (ns, n) -> null, (ns, n) -> null);
    SchedulingFramework listed =
        DefaultProfile.create(
            new Random(5),
            null,
            selector,
            ns -> null,
            SchedulerConfiguration.spreadDefaults(ZONE_LIST));
    // z1 holds two web pods, z2 none; "nozone" has no zone label, which listed defaults (like a
    // pod's own constraints) do not count.
    List<NodeInfo> nodes =
        List.of(
            info(node("a", "z1"), web("w1"), web("w2")),
            info(node("b", "z2")),
            info(node("nozone", null)));
    ScheduleResult r = listed.schedule(new CycleState(), new PodInfo(web("w-new")), nodes);
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");

    // With the zone full on both sides, DoNotSchedule keeps the pod off z1 entirely.
    List<NodeInfo> onlyZ1 =
        List.of(
            info(node("a", "z1"), web("w1")),
            info(node("c", "z2"), web("w2")),
            info(node("d", "z1"), web("w3")));
    ScheduleResult r2 = listed.schedule(new CycleState(), new PodInfo(web("w-next")), onlyZ1);
    assertThat(((ScheduleResult.Scheduled) r2).node()).isEqualTo("c");
  }
}
