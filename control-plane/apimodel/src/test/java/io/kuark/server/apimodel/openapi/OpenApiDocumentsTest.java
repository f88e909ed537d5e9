package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.CustomResourceTypes;
import io.kuark.server.apimodel.CustomResourceTypesTest;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

  static final ResourceCatalog CATALOG = ResourceCatalog.builtIns();
  static final Map<String, JsonNode> CRDS = new HashMap<>();
  static final OpenApiDocuments DOCS =
      new OpenApiDocuments(
          CATALOG, t -> CRDS.get(t.group() + "/" + t.version() + "/" + t.plural()), "v1.33.0");

  @Test
  void v2HasDefinitionsWithGvkPatchStrategiesAndRequiredFields() {
    ObjectNode v2 = DOCS.v2();
    assertThat(v2.get("swagger").asText()).isEqualTo("2.0");
    JsonNode pod = v2.at("/definitions/io.k8s.api.core.v1.Pod");
    assertThat(pod.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("Pod");
    assertThat(pod.at("/x-kubernetes-group-version-kind/0/version").asText()).isEqualTo("v1");
    assertThat(pod.at("/properties/spec/$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.PodSpec");
    assertThat(pod.at("/properties/metadata/$ref").asText())
        .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    JsonNode containers = v2.at("/definitions/io.k8s.api.core.v1.PodSpec/properties/containers");
    assertThat(containers.get("type").asText()).isEqualTo("array");
    assertThat(containers.at("/items/$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
    assertThat(containers.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(containers.get("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
    assertThat(containers.get("x-kubernetes-list-type").asText()).isEqualTo("map");
    assertThat(
            v2.at(
                    "/definitions/io.k8s.api.core.v1.PodSpec/properties/volumes/x-kubernetes-patch-strategy")
                .asText())
        .isEqualTo("merge,retainKeys");
    assertThat(
            v2.at(
                    "/definitions/io.k8s.api.core.v1.Container/properties/ports/x-kubernetes-patch-merge-key")
                .asText())
        .isEqualTo("containerPort");
    assertThat(
            v2.at(
                    "/definitions/io.k8s.api.core.v1.Container/properties/env/x-kubernetes-patch-merge-key")
                .asText())
        .isEqualTo("name");
    assertThat(v2.at("/definitions/io.k8s.api.core.v1.Container/required/0").asText())
        .isEqualTo("name");
    assertThat(v2.at("/definitions/io.k8s.api.core.v1.Container/properties/image/type").asText())
        .isEqualTo("string");
    assertThat(
            v2.at("/definitions/io.k8s.api.core.v1.ContainerPort/properties/containerPort/format")
                .asText())
        .isEqualTo("int32");
    assertThat(
            v2.at(
                    "/definitions/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/x-kubernetes-patch-strategy")
                .asText())
        .isEqualTo("retainKeys");
    assertThat(
            v2.at(
                    "/definitions/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind/0/group")
                .asText())
        .isEqualTo("apps");
    assertThat(
            v2.at("/definitions/io.k8s.api.core.v1.PodList/x-kubernetes-group-version-kind/0/kind")
                .asText())
        .isEqualTo("PodList");
    assertThat(
            v2.at("/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString/format").asText())
        .isEqualTo("int-or-string");
    assertThat(
            v2.at("/definitions/io.k8s.api.core.v1.ServicePort/properties/targetPort/$ref")
                .asText())
        .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assertThat(
            v2.at("/definitions/io.k8s.api.core.v1.Event/x-kubernetes-group-version-kind/0/group")
                .asText())
        .isEmpty();
    assertThat(
            v2.at("/definitions/io.k8s.api.events.v1.Event/x-kubernetes-group-version-kind/0/group")
                .asText())
        .isEqualTo("events.k8s.io");
  }

  @Test
  void v2PathsCarryFieldValidationOnPatchForEveryKind() {
    JsonNode paths = DOCS.v2().get("paths");
    JsonNode podItem = paths.get("/api/v1/namespaces/{namespace}/pods/{name}");
    JsonNode patch = podItem.get("patch");
    assertThat(patch.get("operationId").asText()).isEqualTo("patchCoreV1NamespacedPod");
    assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Pod");
    assertThat(patch.at("/x-kubernetes-action").asText()).isEqualTo("patch");
    assertThat(patch.get("consumes").toString())
        .contains("application/strategic-merge-patch+json", "application/apply-patch+yaml");
    boolean hasFieldValidation = false;
    for (JsonNode p : patch.get("parameters")) {
      hasFieldValidation |=
          p.path("name").asText().equals("fieldValidation")
              && p.path("in").asText().equals("query");
    }
    assertThat(hasFieldValidation).isTrue();
    assertThat(podItem.get("parameters").toString())
        .contains("\"name\":\"namespace\"", "\"in\":\"path\"");
    assertThat(paths.has("/api/v1/pods")).isTrue();
    assertThat(paths.at("/~1api~1v1~1namespaces~1{namespace}~1pods/post/operationId").asText())
        .isEqualTo("createCoreV1NamespacedPod");
    assertThat(
            paths
                .at(
                    "/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}~1scale/patch/x-kubernetes-group-version-kind/kind")
                .asText())
        .isEqualTo("Scale");
    assertThat(paths.at("/~1api~1v1~1nodes~1{name}/get/operationId").asText())
        .isEqualTo("readCoreV1Node");
    assertThat(paths.has("/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}")).isTrue();
    for (ResourceType t : CATALOG.all()) {
      if (!t.supports("patch")) {
        continue;
      }
      String base = t.isCore() ? "/api/v1" : "/apis/" + t.group() + "/" + t.version();
      String item =
          base + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural() + "/{name}";
      assertThat(paths.at("/" + item.replace("/", "~1") + "/patch/parameters").toString())
          .as(item)
          .contains("fieldValidation");
    }
  }

  @Test
  void v3IndexAndGroupVersionDocuments() {
    ObjectNode index = DOCS.v3Index();
    String url = index.at("/paths/api~1v1/serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/api/v1?hash=");
    assertThat(index.at("/paths/apis~1apps~1v1/serverRelativeURL").asText())
        .startsWith("/openapi/v3/apis/apps/v1?hash=");
    assertThat(url).endsWith(DOCS.v3Rendered("api/v1").orElseThrow().hash());
    ObjectNode apps = DOCS.v3("apis/apps/v1").orElseThrow();
    assertThat(apps.get("openapi").asText()).isEqualTo("3.0.0");
    JsonNode schemas = apps.at("/components/schemas");
    assertThat(schemas.has("io.k8s.api.apps.v1.Deployment")).isTrue();
    assertThat(schemas.has("io.k8s.api.core.v1.PodSpec")).isTrue();
    assertThat(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
    assertThat(schemas.has("io.k8s.api.batch.v1.Job")).isFalse();
    JsonNode strategy = schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy");
    assertThat(strategy.at("/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
    assertThat(strategy.get("x-kubernetes-patch-strategy").asText()).isEqualTo("retainKeys");
    JsonNode patch =
        apps.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
    assertThat(patch.get("parameters").toString()).contains("\"name\":\"fieldValidation\"");
    assertThat(
            patch
                .at("/requestBody/content/application~1strategic-merge-patch+json/schema/$ref")
                .asText())
        .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
    assertThat(patch.at("/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.Deployment");
    // every reference resolves inside the document
    assertThat(unresolved(apps, apps)).isEmpty();
    assertThat(unresolved(DOCS.v3("api/v1").orElseThrow(), DOCS.v3("api/v1").orElseThrow()))
        .isEmpty();
    assertThat(DOCS.v3("/apis/nope/v1")).isEmpty();
  }

  @Test
  void customResourcesGetSchemasFromTheirCrd() throws Exception {
    ResourceCatalog catalog = ResourceCatalog.builtIns();
    JsonNode crd = new ObjectMapper().readTree(CustomResourceTypesTest.CRD);
    ObjectNode schema = (ObjectNode) CustomResourceTypes.schema(crd, "v1");
    schema
        .putObject("properties")
        .putObject("spec")
        .putObject("properties")
        .putObject("size")
        .put("type", "integer")
        .put("nullable", true);
    OpenApiDocuments docs =
        new OpenApiDocuments(catalog, t -> CustomResourceTypes.schema(crd, t.version()), "v1.33.0");
    assertThat(docs.v3("apis/example.com/v1")).isEmpty();
    CustomResourceTypes.typesOf(crd).forEach(catalog::register);
    ObjectNode v3 = docs.v3("apis/example.com/v1").orElseThrow();
    JsonNode widget = v3.at("/components/schemas/com.example.v1.Widget");
    assertThat(widget.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("Widget");
    assertThat(widget.at("/properties/spec/properties/size/type").asText()).isEqualTo("integer");
    assertThat(widget.at("/properties/metadata/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(v3.at("/paths/~1apis~1example.com~1v1~1widgets~1{name}/patch/parameters").toString())
        .contains("fieldValidation");
    assertThat(unresolved(v3, v3)).isEmpty();
    assertThat(
            docs.v2()
                .at("/definitions/com.example.v1.Widget/properties/spec/properties/size")
                .has("nullable"))
        .isFalse();
  }

  @Test
  void respondNegotiatesProtobufAndJson() {
    var proto = DOCS.respond("/openapi/v2", OpenApiDocuments.V2_PROTOBUF_ACCEPT).orElseThrow();
    assertThat(proto.contentType())
        .isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    assertThat(proto.body()[0]).isEqualTo((byte) 0x0A);
    var json = DOCS.respond("/openapi/v2", "application/json").orElseThrow();
    assertThat(json.contentType()).isEqualTo("application/json");
    assertThat(new String(json.body(), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("{\"swagger\":\"2.0\"");
    assertThat(DOCS.respond("/openapi/v3", null).orElseThrow().contentType())
        .isEqualTo("application/json");
    assertThat(DOCS.respond("/openapi/v3/apis/apps/v1", null)).isPresent();
    assertThat(DOCS.respond("/openapi/v3/apis/nope/v1", null)).isEmpty();
    assertThat(DOCS.respond("/openapi/v4", null)).isEmpty();
  }

  @Test
  void documentsAreCachedPerCatalogGeneration() {
    // Cached as the served bytes; the tree accessor decodes them (equal content, fresh tree).
    assertThat(DOCS.v2Rendered()).isSameAs(DOCS.v2Rendered());
    assertThat(DOCS.v2Protobuf()).isSameAs(DOCS.v2Protobuf());
    assertThat(DOCS.v3Rendered("api/v1").orElseThrow())
        .isSameAs(DOCS.v3Rendered("api/v1").orElseThrow());
    assertThat(DOCS.v2()).isEqualTo(DOCS.v2()).isNotSameAs(DOCS.v2());
    assertThat(DOCS.v2Rendered().json().length).isGreaterThan(100_000);
  }

  private static java.util.List<String> unresolved(JsonNode node, JsonNode doc) {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null
          && !doc.at("/components/schemas")
              .has(ref.asText().replace("#/components/schemas/", ""))) {
        out.add(ref.asText());
      }
    }
    node.elements().forEachRemaining(n -> out.addAll(unresolved(n, doc)));
    return out;
  }
}
