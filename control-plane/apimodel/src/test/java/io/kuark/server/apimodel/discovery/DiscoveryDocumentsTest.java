package io.kuark.server.apimodel.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.Subresource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryDocumentsTest {

  private final ResourceCatalog catalog = ResourceCatalog.builtIns();
  private final DiscoveryDocuments docs = new DiscoveryDocuments(catalog);

  @Test
  void apiVersionsListsV1AndTheServerAddress() {
    ObjectNode doc = docs.apiVersions("10.0.0.1:6443");
    assertThat(doc.get("kind").asText()).isEqualTo("APIVersions");
    assertThat(doc.get("versions").toString()).isEqualTo("[\"v1\"]");
    assertThat(doc.at("/serverAddressByClientCIDRs/0/clientCIDR").asText()).isEqualTo("0.0.0.0/0");
    assertThat(doc.at("/serverAddressByClientCIDRs/0/serverAddress").asText())
        .isEqualTo("10.0.0.1:6443");
  }

  @Test
  void apiGroupListHasPreferredVersionsAndNoCoreGroup() {
    ObjectNode doc = docs.apiGroupList();
    assertThat(doc.get("kind").asText()).isEqualTo("APIGroupList");
    assertThat(doc.get("apiVersion").asText()).isEqualTo("v1");
    JsonNode apps = find(doc.get("groups"), "name", "apps");
    assertThat(apps.at("/versions/0/groupVersion").asText()).isEqualTo("apps/v1");
    assertThat(apps.at("/versions/0/version").asText()).isEqualTo("v1");
    assertThat(apps.at("/preferredVersion/groupVersion").asText()).isEqualTo("apps/v1");
    assertThat(find(doc.get("groups"), "name", "")).isNull();
  }

  @Test
  void apiGroupIsEmptyForUnknownGroups() {
    assertThat(docs.apiGroup("nope.example.com")).isEmpty();
    assertThat(docs.apiGroup("batch").orElseThrow().get("kind").asText()).isEqualTo("APIGroup");
  }

  @Test
  void coreResourceListHasSubresourcesWithTheirKindsAndVerbs() {
    ObjectNode doc = docs.apiResourceList("", "v1").orElseThrow();
    assertThat(doc.get("kind").asText()).isEqualTo("APIResourceList");
    assertThat(doc.has("apiVersion")).isFalse();
    assertThat(doc.get("groupVersion").asText()).isEqualTo("v1");
    JsonNode resources = doc.get("resources");
    JsonNode pods = find(resources, "name", "pods");
    assertThat(pods.get("singularName").asText()).isEqualTo("pod");
    assertThat(pods.get("namespaced").asBoolean()).isTrue();
    assertThat(pods.get("kind").asText()).isEqualTo("Pod");
    assertThat(pods.get("shortNames").toString()).isEqualTo("[\"po\"]");
    assertThat(pods.get("categories").toString()).isEqualTo("[\"all\"]");
    assertThat(pods.get("storageVersionHash").asText()).isNotEmpty();
    JsonNode status = find(resources, "name", "pods/status");
    assertThat(status.get("kind").asText()).isEqualTo("Pod");
    assertThat(status.get("verbs").toString()).isEqualTo("[\"get\",\"patch\",\"update\"]");
    assertThat(status.get("singularName").asText()).isEmpty();
    JsonNode eviction = find(resources, "name", "pods/eviction");
    assertThat(eviction.get("group").asText()).isEqualTo("policy");
    assertThat(eviction.get("version").asText()).isEqualTo("v1");
    assertThat(eviction.get("kind").asText()).isEqualTo("Eviction");
    assertThat(find(resources, "name", "configmaps").has("categories")).isFalse();
    // subresources follow their parent
    List<String> names = new ArrayList<>();
    resources.forEach(r -> names.add(r.get("name").asText()));
    assertThat(names.indexOf("pods/attach")).isEqualTo(names.indexOf("pods") + 1);
  }

  @Test
  void namedGroupResourceListCarriesApiVersionAndScale() {
    ObjectNode doc = docs.apiResourceList("apps", "v1").orElseThrow();
    assertThat(doc.get("apiVersion").asText()).isEqualTo("v1");
    assertThat(doc.get("groupVersion").asText()).isEqualTo("apps/v1");
    JsonNode scale = find(doc.get("resources"), "name", "deployments/scale");
    assertThat(scale.get("group").asText()).isEqualTo("autoscaling");
    assertThat(scale.get("kind").asText()).isEqualTo("Scale");
    assertThat(docs.apiResourceList("apps", "v2")).isEmpty();
  }

  @Test
  void aggregatedCoreHasOneUnnamedGroup() {
    ObjectNode doc = docs.aggregatedCore(DiscoveryFormat.AGGREGATED_V2);
    assertThat(doc.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
    assertThat(doc.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
    assertThat(doc.get("items")).hasSize(1);
    JsonNode core = doc.at("/items/0");
    assertThat(core.at("/metadata").has("name")).isFalse();
    assertThat(core.at("/versions/0/version").asText()).isEqualTo("v1");
    assertThat(core.at("/versions/0/freshness").asText()).isEqualTo("Current");
    JsonNode pods = find(core.at("/versions/0/resources"), "resource", "pods");
    assertThat(pods.get("scope").asText()).isEqualTo("Namespaced");
    assertThat(pods.get("singularResource").asText()).isEqualTo("pod");
    assertThat(pods.at("/responseKind/kind").asText()).isEqualTo("Pod");
    assertThat(pods.at("/responseKind/group").asText()).isEmpty();
    JsonNode eviction = find(pods.get("subresources"), "subresource", "eviction");
    assertThat(eviction.at("/responseKind/group").asText()).isEqualTo("policy");
    assertThat(eviction.get("verbs").toString()).isEqualTo("[\"create\"]");
    JsonNode nodes = find(core.at("/versions/0/resources"), "resource", "nodes");
    assertThat(nodes.get("scope").asText()).isEqualTo("Cluster");
  }

  @Test
  void aggregatedGroupsNameEachGroupAndSpellOutCustomResourceKinds() {
    catalog.register(
        new ResourceType(
            "example.com",
            "v1",
            "Widget",
            "widgets",
            "widget",
            List.of("wd"),
            List.of(),
            true,
            ResourceType.STANDARD_VERBS,
            List.of(Subresource.status("Widget")),
            null,
            null));
    ObjectNode doc = docs.aggregatedGroups(DiscoveryFormat.AGGREGATED_V2BETA1);
    assertThat(doc.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    JsonNode items = doc.get("items");
    JsonNode apps = null;
    JsonNode example = null;
    for (JsonNode item : items) {
      if ("apps".equals(item.at("/metadata/name").asText())) {
        apps = item;
      }
      if ("example.com".equals(item.at("/metadata/name").asText())) {
        example = item;
      }
    }
    assertThat(apps).isNotNull();
    assertThat(example).isNotNull();
    JsonNode widgets = example.at("/versions/0/resources/0");
    assertThat(widgets.at("/responseKind/group").asText()).isEqualTo("example.com");
    assertThat(widgets.at("/responseKind/version").asText()).isEqualTo("v1");
    assertThat(widgets.at("/subresources/0/responseKind/group").asText()).isEqualTo("example.com");
  }

  @Test
  void formatFollowsTheFirstAcceptableAcceptEntry() {
    assertThat(DiscoveryFormat.fromAccept(null)).isEqualTo(DiscoveryFormat.LEGACY);
    assertThat(DiscoveryFormat.fromAccept("application/json")).isEqualTo(DiscoveryFormat.LEGACY);
    assertThat(
            DiscoveryFormat.fromAccept(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                    + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                    + "application/json"))
        .isEqualTo(DiscoveryFormat.AGGREGATED_V2);
    assertThat(
            DiscoveryFormat.fromAccept(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"))
        .isEqualTo(DiscoveryFormat.AGGREGATED_V2BETA1);
    assertThat(
            DiscoveryFormat.fromAccept(
                "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json"))
        .isEqualTo(DiscoveryFormat.LEGACY);
    assertThat(DiscoveryFormat.AGGREGATED_V2.contentType())
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value) && n.has(field)) {
        return n;
      }
    }
    return null;
  }
}
