package io.kuark.server.auth.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeLabelsTest {

  @Test
  void kubeletOwnedLabelsAreAllowed() {
    assertThat(
            NodeLabels.forbidden(
                Set.of(
                    "kubernetes.io/hostname",
                    "kubernetes.io/arch",
                    "kubernetes.io/os",
                    "beta.kubernetes.io/arch",
                    "beta.kubernetes.io/os",
                    "beta.kubernetes.io/instance-type",
                    "node.kubernetes.io/instance-type",
                    "topology.kubernetes.io/region",
                    "topology.kubernetes.io/zone",
                    "failure-domain.beta.kubernetes.io/region",
                    "failure-domain.beta.kubernetes.io/zone",
                    "kubelet.kubernetes.io/anything",
                    "foo.kubelet.kubernetes.io/x",
                    "node.kubernetes.io/exclude-from-external-load-balancers",
                    "sub.node.kubernetes.io/x",
                    "example.com/rack",
                    "plain")))
        .isEmpty();
  }

  @Test
  void restrictedAndOtherKubernetesLabelsAreForbidden() {
    assertThat(
            NodeLabels.forbidden(
                Set.of(
                    "node-restriction.kubernetes.io/dedicated",
                    "team.node-restriction.kubernetes.io/x",
                    "node-role.kubernetes.io/control-plane",
                    "kubernetes.io/role",
                    "k8s.io/x",
                    "foo.k8s.io/x",
                    "topology.kubernetes.io/rack",
                    "example.com/ok")))
        .containsExactly(
            "foo.k8s.io/x",
            "k8s.io/x",
            "kubernetes.io/role",
            "node-restriction.kubernetes.io/dedicated",
            "node-role.kubernetes.io/control-plane",
            "team.node-restriction.kubernetes.io/x",
            "topology.kubernetes.io/rack");
  }

  @Test
  void modifiedCountsAddedChangedAndRemovedLabels() {
    assertThat(
            NodeLabels.modified(
                Map.of("same", "1", "changed", "2", "added", "3"),
                Map.of("same", "1", "changed", "1", "removed", "x")))
        .containsExactly("added", "changed", "removed");
  }
}
