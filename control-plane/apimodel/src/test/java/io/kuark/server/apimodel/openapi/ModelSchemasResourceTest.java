package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.apimodel.ResourceCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The prebuilt model definitions a server reads ({@link ModelSchemas#RESOURCE}) are what Jackson's
 * introspection of the fabric8 models generates, and a server's documents therefore the same as if
 * it introspected. After a fabric8 upgrade or a change to the generator this test fails; regenerate
 * the resource with {@code mvn -o -pl control-plane/apimodel -am test
 * -Dtest=ModelSchemasResourceTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dkuark.writeModelSchemas=true} (run from the checkout's root).
 */
class ModelSchemasResourceTest {

  private static final Path SOURCE =
      Path.of("src/main/resources/io/kuark/server/apimodel/openapi", ModelSchemas.RESOURCE);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * What the resource must hold: introspection of everything the built-in types' documents show.
   */
  static String generate() throws IOException {
    ModelSchemas introspected = new ModelSchemas();
    OpenApiDocuments.defineModels(introspected, ResourceCatalog.builtIns());
    introspected.define(ObjectMeta.class);
    introspected.define(ListMeta.class);
    ObjectNode all = MAPPER.createObjectNode();
    introspected.definitions().forEach(all::set);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(all) + "\n";
  }

  @Test
  void resourceHoldsWhatIntrospectionGeneratesForTheBuiltInTypes() throws IOException {
    String expected = generate();
    if (Boolean.getBoolean("kuark.writeModelSchemas")) {
      Files.writeString(SOURCE, expected, StandardCharsets.UTF_8);
    }
    String actual;
    try (InputStream in = ModelSchemas.class.getResourceAsStream(ModelSchemas.RESOURCE)) {
      assertThat(in).as(ModelSchemas.RESOURCE + " on the class path").isNotNull();
      actual = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(actual)
        .as(ModelSchemas.RESOURCE + " is stale: regenerate it (see this test's comment)")
        .isEqualTo(expected);
  }

  @Test
  void prebuiltDefinesWhatIntrospectionDefinesForTheBuiltInCatalog() {
    ModelSchemas introspected = new ModelSchemas();
    ModelSchemas prebuilt = ModelSchemas.prebuilt();
    assertThat(OpenApiDocuments.defineModels(prebuilt, ResourceCatalog.builtIns()))
        .hasSameSizeAs(OpenApiDocuments.defineModels(introspected, ResourceCatalog.builtIns()));
    assertThat(prebuilt.definitions()).isEqualTo(introspected.definitions());
  }

  @Test
  void prebuiltDefinesOnlyWhatAClassReachesLikeIntrospection() {
    ModelSchemas introspected = new ModelSchemas();
    ModelSchemas prebuilt = ModelSchemas.prebuilt();
    assertThat(prebuilt.define(ConfigMap.class)).isEqualTo(introspected.define(ConfigMap.class));
    Map<String, ObjectNode> configMapOnly = prebuilt.definitions();
    assertThat(configMapOnly).isEqualTo(introspected.definitions());
    assertThat(configMapOnly)
        .containsKey("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        .doesNotContainKey("io.k8s.api.core.v1.PodSpec");
    prebuilt.define(Pod.class);
    introspected.define(Pod.class);
    assertThat(prebuilt.definitions()).isEqualTo(introspected.definitions());
  }

  @Test
  void classTheResourceLacksIsIntrospected() {
    ModelSchemas prebuilt = ModelSchemas.prebuilt();
    String name = prebuilt.define(io.fabric8.kubernetes.api.model.APIGroup.class);
    assertThat(ModelSchemas.prebuilt().definitions()).doesNotContainKey(name);
    assertThat(prebuilt.definition(name).at("/properties/preferredVersion/$ref").asText())
        .endsWith("GroupVersionForDiscovery");
  }
}
