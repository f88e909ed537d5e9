package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node authorizer and NodeRestriction with real node credentials (client certificates
 * CN=system:node:a / b, O=system:nodes): each node does everything its agent does for its own pods,
 * and gets 403 for the other node's secrets, configmaps, pods, Node and Lease.
 */
class NodeAuthorizationIT {

  static TestApiServer api;
  static KubernetesClient admin;
  static KubernetesClient nodeA;
  static KubernetesClient nodeB;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = api.client();
    api.createDefaultServiceAccount("default");
    nodeA =
        NodeClients.withCertificate(
            api, api.pki.ca().issueClient("system:node:a", List.of("system:nodes")));
    nodeB =
        NodeClients.withCertificate(
            api, api.pki.ca().issueClient("system:node:b", List.of("system:nodes")));
    for (String n : List.of("a", "b")) {
      admin
          .secrets()
          .inNamespace("default")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("secret-" + n)
                  .endMetadata()
                  .withData(Map.of("k", NodeClients.b64(n)))
                  .build())
          .create();
      admin
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("cm-" + n)
                  .endMetadata()
                  .withData(Map.of("k", n))
                  .build())
          .create();
      admin.pods().inNamespace("default").resource(pod("pod-" + n, n)).create();
    }
    // The authorizer reads pods from memory fed by the watch cache: wait until node a sees its own.
    admin
        .pods()
        .inNamespace("default")
        .withName("pod-b")
        .waitUntilCondition(p -> p != null, 30, TimeUnit.SECONDS);
  }

  static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .addNewEnv()
        .withName("S")
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName("secret-" + node)
        .withKey("k")
        .endSecretKeyRef()
        .endValueFrom()
        .endEnv()
        .endContainer()
        .addNewVolume()
        .withName("cm")
        .withNewConfigMap()
        .withName("cm-" + node)
        .endConfigMap()
        .endVolume()
        .endSpec()
        .build();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    admin.close();
    api.close();
  }

  @Test
  void nodeReadsOnlyWhatItsPodsUse() {
    assertThat(
            eventually(() -> nodeA.secrets().inNamespace("default").withName("secret-a").get())
                .getData())
        .containsKey("k");
    assertThat(nodeA.configMaps().inNamespace("default").withName("cm-a").get().getData())
        .containsEntry("k", "a");
    forbidden(() -> nodeA.secrets().inNamespace("default").withName("secret-b").get());
    forbidden(() -> nodeA.configMaps().inNamespace("default").withName("cm-b").get());
    forbidden(() -> nodeA.secrets().inNamespace("default").list());
    forbidden(() -> nodeB.secrets().inNamespace("default").withName("secret-a").get());
    // Pods, services, endpoint slices, namespaces and nodes: readable, as the agent informers need.
    assertThat(nodeA.pods().inAnyNamespace().list().getItems()).hasSizeGreaterThanOrEqualTo(2);
    nodeA.services().inAnyNamespace().list();
    nodeA.discovery().v1().endpointSlices().inAnyNamespace().list();
    nodeA.namespaces().list();
    nodeA.nodes().list();
  }

  @Test
  void nodeWritesOnlyItsOwnNodeLeaseAndPodStatus() {
    nodeA
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("a").endMetadata().build())
        .create();
    admin
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("b").endMetadata().build())
        .create();
    forbidden(
        () ->
            nodeA
                .nodes()
                .resource(new NodeBuilder().withNewMetadata().withName("c").endMetadata().build())
                .create());
    nodeA
        .nodes()
        .withName("a")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"x\":\"1\"}}}");
    nodeA
        .nodes()
        .withName("a")
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Running\"}}");
    forbidden(
        () ->
            nodeA
                .nodes()
                .withName("b")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"x\":\"1\"}}}"));
    forbidden(
        () ->
            nodeA
                .nodes()
                .withName("b")
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Running\"}}"));
    forbidden(() -> nodeA.nodes().withName("b").delete());
    forbidden(
        () ->
            nodeA
                .nodes()
                .withName("a")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/x\":\"y\"}}}"));
    nodeA
        .leases()
        .inNamespace("kube-node-lease")
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("a")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("a")
                .endSpec()
                .build())
        .create();
    nodeA
        .leases()
        .inNamespace("kube-node-lease")
        .withName("a")
        .edit(
            l -> {
              l.getSpec().setLeaseDurationSeconds(40);
              return l;
            });
    forbidden(
        () ->
            nodeA
                .leases()
                .inNamespace("kube-node-lease")
                .resource(new LeaseBuilder().withNewMetadata().withName("b").endMetadata().build())
                .create());
    eventually(
        () ->
            nodeA
                .pods()
                .inNamespace("default")
                .withName("pod-a")
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Running\"}}"));
    forbidden(
        () ->
            nodeA
                .pods()
                .inNamespace("default")
                .withName("pod-b")
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Running\"}}"));
    forbidden(() -> nodeA.pods().inNamespace("default").withName("pod-b").delete());
    forbidden(
        () ->
            nodeA
                .pods()
                .inNamespace("default")
                .withName("pod-a")
                .edit(
                    p -> {
                      p.getMetadata().setLabels(Map.of("x", "y"));
                      return p;
                    }));
  }

  /** Upstream's label policy for a node's own Node, at registration and on every update. */
  @Test
  void nodeSetsOnlyKubeletOwnedLabelsOnItself() {
    try (KubernetesClient nodeC =
        NodeClients.withCertificate(
            api, api.pki.ca().issueClient("system:node:c", List.of("system:nodes")))) {
      KubernetesClientException atRegistration =
          catchForbidden(
              () ->
                  nodeC
                      .nodes()
                      .resource(
                          new NodeBuilder()
                              .withNewMetadata()
                              .withName("c")
                              .addToLabels("kubernetes.io/hostname", "c")
                              .addToLabels("node-role.kubernetes.io/control-plane", "")
                              .addToLabels("node-restriction.kubernetes.io/pool", "gold")
                              .endMetadata()
                              .build())
                      .create());
      assertThat(atRegistration.getStatus().getMessage())
          .isEqualTo(
              "nodes \"c\" is forbidden: node \"c\" is not allowed to set the following labels:"
                  + " node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane");
    }
    try (KubernetesClient nodeD =
        NodeClients.withCertificate(
            api, api.pki.ca().issueClient("system:node:d", List.of("system:nodes")))) {
      nodeD
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("d")
                  .addToLabels("kubernetes.io/hostname", "d")
                  .addToLabels("kubernetes.io/arch", "amd64")
                  .addToLabels("topology.kubernetes.io/zone", "z1")
                  .addToLabels("node.kubernetes.io/instance-type", "edge")
                  .addToLabels("kubelet.kubernetes.io/custom", "1")
                  .addToLabels("example.com/rack", "r1")
                  .endMetadata()
                  .build())
          .create();
      nodeD
          .nodes()
          .withName("d")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"topology.kubernetes.io/zone\":\"z2\","
                  + "\"example.com/rack\":null}}}");
      KubernetesClientException onUpdate =
          catchForbidden(
              () ->
                  nodeD
                      .nodes()
                      .withName("d")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"metadata\":{\"labels\":{\"kubernetes.io/role\":\"master\"}}}"));
      assertThat(onUpdate.getStatus().getMessage())
          .isEqualTo(
              "nodes \"d\" is forbidden: is not allowed to modify labels: kubernetes.io/role");
      // An admin may set such labels; the node may then not remove or change them.
      admin
          .nodes()
          .withName("d")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/pool\":\"gold\"}}}");
      catchForbidden(
          () ->
              nodeD
                  .nodes()
                  .withName("d")
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/pool\":null}}}"));
      // Unrelated updates of a node carrying them still pass.
      nodeD
          .nodes()
          .withName("d")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"x\":\"1\"}}}");
    }
  }

  static KubernetesClientException catchForbidden(ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(KubernetesClientException.class);
    KubernetesClientException e = (KubernetesClientException) t;
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
    return e;
  }

  @Test
  void nodeCreatesOnlyMirrorPodsBoundToItself() {
    Pod mirror =
        new PodBuilder()
            .withNewMetadata()
            .withName("static-a")
            .withAnnotations(Map.of("kubernetes.io/config.mirror", "abc"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("a")
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    nodeA.pods().inNamespace("default").resource(mirror).create();
    Pod plain =
        new PodBuilder(mirror)
            .editMetadata()
            .withName("plain")
            .withAnnotations(Map.of())
            .endMetadata()
            .build();
    forbidden(() -> nodeA.pods().inNamespace("default").resource(plain).create());
    Pod elsewhere =
        new PodBuilder(mirror)
            .editMetadata()
            .withName("static-b")
            .endMetadata()
            .editSpec()
            .withNodeName("b")
            .endSpec()
            .build();
    forbidden(() -> nodeA.pods().inNamespace("default").resource(elsewhere).create());
    Pod withSecret =
        new PodBuilder(pod("static-secret", "a"))
            .editMetadata()
            .withAnnotations(Map.of("kubernetes.io/config.mirror", "x"))
            .endMetadata()
            .build();
    forbidden(() -> nodeA.pods().inNamespace("default").resource(withSecret).create());
  }

  @Test
  void nodeGetsTokensOnlyForItsPodsAndMayReview() {
    var request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName("pod-a")
            .withUid(
                admin.pods().inNamespace("default").withName("pod-a").get().getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build();
    String token =
        eventually(
                () ->
                    nodeA
                        .serviceAccounts()
                        .inNamespace("default")
                        .withName("default")
                        .tokenRequest(request))
            .getStatus()
            .getToken();
    assertThat(token).isNotEmpty();
    forbidden(
        () ->
            nodeB
                .serviceAccounts()
                .inNamespace("default")
                .withName("default")
                .tokenRequest(request));
    assertThat(
            nodeA
                .tokenReviews()
                .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
                .getStatus()
                .getAuthenticated())
        .isTrue();
    var sar =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("system:node:a")
            .withGroups("system:nodes")
            .withNewResourceAttributes()
            .withVerb("get")
            .withResource("secrets")
            .withNamespace("default")
            .withName("secret-b")
            .endResourceAttributes()
            .endSpec()
            .build();
    assertThat(
            nodeA.authorization().v1().subjectAccessReview().create(sar).getStatus().getAllowed())
        .isFalse();
    nodeA
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName("e1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("pod-a")
                .withNamespace("default")
                .endInvolvedObject()
                .withReason("Test")
                .build())
        .create();
  }

  /** The node authorizer learns pods from the watch cache; retry 403s until it has seen them. */
  static <T> T eventually(java.util.function.Supplier<T> call) {
    for (int i = 0; ; i++) {
      try {
        return call.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 || i > 100) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          throw new IllegalStateException(ie);
        }
      }
    }
  }

  static void forbidden(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }
}
