package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.annotations.SerializedName;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kubernetes.client.util.ModelMapper;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The generated schemas mark exactly upstream's date-time fields ({@code metav1.Time} and {@code
 * MicroTime}) with a reference to the Time or MicroTime definition. Upstream's side is read from
 * the official Java client's models, generated from upstream's OpenAPI, where every such field is
 * an {@link OffsetDateTime}: both trees are walked from each built-in kind in step, by JSON name.
 */
class DateTimeFieldsTest {
  private final Set<String> visited = new HashSet<>();
  private final Set<String> upstream = new TreeSet<>();
  private final Set<String> ours = new TreeSet<>();
  private final Set<String> unmatched = new TreeSet<>();

  @Test
  void timeAndMicroTimeReferencesAreUpstreamsDateTimeFields() {
    int kinds = 0;
    for (ResourceType t : ResourceCatalog.builtIns().all()) {
      if (t.modelClass() == null) {
        continue;
      }
      Class<?> upstreamClass = ModelMapper.getApiTypeClass(t.group(), t.version(), t.kind());
      assertThat(upstreamClass).as(t.apiVersion() + " " + t.kind()).isNotNull();
      walk(OpenApiDocuments.models().define(t.modelClass()), upstreamClass);
      kinds++;
    }
    assertThat(kinds).isGreaterThan(40);
    assertThat(unmatched).as("upstream fields our schemas lack").isEmpty();
    assertThat(upstream)
        .contains(
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.creationTimestamp",
            "io.k8s.api.coordination.v1.LeaseSpec.renewTime");
    assertThat(ours).isEqualTo(upstream);
  }

  private void walk(String definition, Class<?> upstreamClass) {
    if (!visited.add(definition)) {
      return;
    }
    JsonNode schema = OpenApiDocuments.models().definition(definition);
    for (Field f : upstreamClass.getDeclaredFields()) {
      SerializedName json = f.getAnnotation(SerializedName.class);
      if (json == null) {
        continue;
      }
      JsonNode property = schema.path("properties").get(json.value());
      if (property == null) {
        unmatched.add(definition + "." + json.value());
        continue;
      }
      String where = definition + "." + json.value();
      if (isTimeRef(property) || isTimeRef(property.path("additionalProperties"))) {
        ours.add(where);
      }
      visit(where, property, f.getGenericType());
    }
  }

  private void visit(String where, JsonNode property, Type type) {
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      Class<?> raw = (Class<?>) p.getRawType();
      if (List.class.isAssignableFrom(raw)) {
        visit(where, property.path("items"), args[0]);
      } else if (Map.class.isAssignableFrom(raw)) {
        visit(where, property.path("additionalProperties"), args[1]);
      }
      return;
    }
    Class<?> c = (Class<?>) type;
    if (c == OffsetDateTime.class) {
      upstream.add(where);
    } else if (c.getName().startsWith("io.kubernetes.client.openapi.models.")
        && property.has("$ref")) {
      walk(property.get("$ref").asText().substring(ModelSchemas.REF_PREFIX.length()), c);
    }
  }

  private static boolean isTimeRef(JsonNode schema) {
    String ref = schema.path("$ref").asText("");
    return ref.equals(ModelSchemas.REF_PREFIX + TimeFields.TIME)
        || ref.equals(ModelSchemas.REF_PREFIX + TimeFields.MICRO_TIME);
  }
}
