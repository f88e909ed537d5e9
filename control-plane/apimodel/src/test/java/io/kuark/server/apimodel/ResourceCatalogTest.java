package io.kuark.server.apimodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ResourceCatalogTest {

  private final ResourceCatalog catalog = ResourceCatalog.builtIns();

  @Test
  void podsHaveUpstreamNamesVerbsAndSubresources() {
    ResourceType pods = catalog.find("", "v1", "pods").orElseThrow();
    assertThat(pods.kind()).isEqualTo("Pod");
    assertThat(pods.shortNames()).containsExactly("po");
    assertThat(pods.categories()).containsExactly("all");
    assertThat(pods.namespaced()).isTrue();
    assertThat(pods.verbs())
        .containsExactly(
            "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    assertThat(pods.subresource("eviction").orElseThrow().group()).isEqualTo("policy");
    assertThat(pods.subresource("status").orElseThrow().verbs())
        .containsExactly("get", "patch", "update");
    assertThat(pods.hasSubresource("binding")).isTrue();
    assertThat(pods.listKind()).isEqualTo("PodList");
    assertThat(pods.modelClass()).isEqualTo(io.fabric8.kubernetes.api.model.Pod.class);
    assertThat(pods.apiVersion()).isEqualTo("v1");
  }

  @Test
  void everyResourceOfTheIssueIsServed() {
    List<String> expected =
        List.of(
            "/v1/namespaces",
            "/v1/pods",
            "/v1/services",
            "/v1/endpoints",
            "/v1/configmaps",
            "/v1/secrets",
            "/v1/serviceaccounts",
            "/v1/nodes",
            "/v1/events",
            "/v1/persistentvolumes",
            "/v1/persistentvolumeclaims",
            "/v1/limitranges",
            "/v1/resourcequotas",
            "/v1/podtemplates",
            "apps/v1/deployments",
            "apps/v1/replicasets",
            "apps/v1/daemonsets",
            "apps/v1/statefulsets",
            "apps/v1/controllerrevisions",
            "batch/v1/jobs",
            "batch/v1/cronjobs",
            "discovery.k8s.io/v1/endpointslices",
            "coordination.k8s.io/v1/leases",
            "events.k8s.io/v1/events",
            "rbac.authorization.k8s.io/v1/roles",
            "rbac.authorization.k8s.io/v1/rolebindings",
            "rbac.authorization.k8s.io/v1/clusterroles",
            "rbac.authorization.k8s.io/v1/clusterrolebindings",
            "storage.k8s.io/v1/storageclasses",
            "storage.k8s.io/v1/csidrivers",
            "storage.k8s.io/v1/csinodes",
            "storage.k8s.io/v1/volumeattachments",
            "networking.k8s.io/v1/ingresses",
            "networking.k8s.io/v1/networkpolicies",
            "networking.k8s.io/v1/ingressclasses",
            "policy/v1/poddisruptionbudgets",
            "scheduling.k8s.io/v1/priorityclasses",
            "node.k8s.io/v1/runtimeclasses",
            "apiextensions.k8s.io/v1/customresourcedefinitions");
    for (String gvr : expected) {
      String[] p = gvr.split("/");
      assertThat(catalog.find(p[0], p[1], p[2])).as(gvr).isPresent();
    }
  }

  @Test
  void scopeShortNamesAndCategoriesMatchUpstream() {
    assertThat(catalog.find("", "v1", "namespaces").orElseThrow().namespaced()).isFalse();
    assertThat(catalog.find("", "v1", "namespaces").orElseThrow().verbs())
        .doesNotContain("deletecollection");
    assertThat(catalog.find("apps", "v1", "deployments").orElseThrow().shortNames())
        .containsExactly("deploy");
    assertThat(catalog.find("apps", "v1", "deployments").orElseThrow().subresource("scale"))
        .get()
        .extracting(Subresource::kind, Subresource::group, Subresource::version)
        .containsExactly("Scale", "autoscaling", "v1");
    assertThat(
            catalog
                .find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
                .orElseThrow()
                .shortNames())
        .containsExactly("crd", "crds");
    assertThat(catalog.find("batch", "v1", "jobs").orElseThrow().categories())
        .containsExactly("all");
    assertThat(catalog.find("", "v1", "configmaps").orElseThrow().categories()).isEmpty();
    assertThat(catalog.find("storage.k8s.io", "v1", "storageclasses").orElseThrow().namespaced())
        .isFalse();
    assertThat(catalog.find("", "v1", "bindings").orElseThrow().persisted()).isFalse();
    assertThat(catalog.find("", "v1", "endpoints").orElseThrow().singular()).isEqualTo("endpoints");
  }

  @Test
  void findsByKindAcrossGroups() {
    assertThat(catalog.findByKind("Event"))
        .extracting(ResourceType::group)
        .containsExactly("", "events.k8s.io");
    assertThat(catalog.findByApiVersionKind("apps/v1", "Deployment")).isPresent();
    assertThat(catalog.findByApiVersionKind("v1", "Deployment")).isEmpty();
  }

  @Test
  void groupsComeInUpstreamOrderAndCoreIsNotAGroup() {
    List<String> groups = catalog.groups();
    assertThat(groups).doesNotContain("");
    assertThat(groups.indexOf("apps")).isLessThan(groups.indexOf("batch"));
    assertThat(groups.indexOf("batch")).isLessThan(groups.indexOf("apiextensions.k8s.io"));
  }

  @Test
  void registersAndUnregistersCustomResourcesVersionsPreferredFirst() {
    long before = catalog.generation();
    catalog.register(crd("v1beta1"));
    catalog.register(crd("v1"));
    catalog.register(crd("v2alpha1"));
    assertThat(catalog.generation()).isEqualTo(before + 3);
    assertThat(catalog.versions("example.com")).containsExactly("v1", "v1beta1", "v2alpha1");
    assertThat(catalog.preferredVersion("example.com")).contains("v1");
    assertThat(catalog.groups()).endsWith("example.com");
    assertThat(catalog.unregister("example.com", "v1", "widgets")).isTrue();
    assertThat(catalog.unregister("example.com", "v1", "widgets")).isFalse();
    assertThat(catalog.unregisterAllVersions("example.com", "widgets")).isEqualTo(2);
    assertThat(catalog.groups()).doesNotContain("example.com");
  }

  @Test
  void registerReplacesTheSameResource() {
    catalog.register(crd("v1"));
    catalog.register(crd("v1").withSubresources(List.of(Subresource.status("Widget"))));
    assertThat(catalog.inGroupVersion("example.com", "v1")).hasSize(1);
    assertThat(catalog.find("example.com", "v1", "widgets").orElseThrow().hasSubresource("status"))
        .isTrue();
  }

  @Test
  void concurrentRegistrationsAreAllKept() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () ->
                    catalog.register(
                        new ResourceType(
                            "g" + n + ".example.com",
                            "v1",
                            "K",
                            "ks",
                            "k",
                            List.of(),
                            List.of(),
                            true,
                            ResourceType.STANDARD_VERBS,
                            List.of(),
                            null,
                            null))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(catalog.groups().stream().filter(g -> g.endsWith(".example.com"))).hasSize(50);
  }

  @Test
  void storageVersionHashIsStableAndShort() {
    ResourceType pods = catalog.find("", "v1", "pods").orElseThrow();
    assertThat(pods.storageVersionHash()).hasSize(12).isEqualTo(pods.storageVersionHash());
    assertThat(pods.storageVersionHash())
        .isNotEqualTo(catalog.find("", "v1", "services").orElseThrow().storageVersionHash());
  }

  @Test
  void versionOrderFollowsKubernetesPriority() {
    List<String> v =
        new java.util.ArrayList<>(
            List.of("v1alpha1", "foo", "v1", "v2beta1", "v2", "v1beta2", "v1beta1"));
    v.sort(KubeVersionOrder.INSTANCE);
    assertThat(v).containsExactly("v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo");
  }

  private static ResourceType crd(String version) {
    return new ResourceType(
        "example.com",
        version,
        "Widget",
        "widgets",
        "widget",
        List.of("wd"),
        List.of("all"),
        true,
        ResourceType.STANDARD_VERBS,
        List.of(),
        "WidgetList",
        null);
  }
}
