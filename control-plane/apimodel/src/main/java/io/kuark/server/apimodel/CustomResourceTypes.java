package io.kuark.server.apimodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a {@code CustomResourceDefinition} (apiextensions.k8s.io/v1, as a Jackson tree) into the
 * {@link ResourceType}s to register: one per served version.
 */
public final class CustomResourceTypes {

  /** The verbs upstream advertises for custom resources, in upstream's order. */
  public static final List<String> CUSTOM_RESOURCE_VERBS =
      List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");

  private CustomResourceTypes() {}

  /**
   * The resource types a CRD serves: one per {@code spec.versions[]} entry with {@code served:
   * true}, with status/scale subresources as that version declares them. {@code modelClass} is null
   * for every one of them.
   */
  public static List<ResourceType> typesOf(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText();
    String kind = names.path("kind").asText();
    String plural = names.path("plural").asText();
    String singular = names.path("singular").asText(kind.toLowerCase(Locale.ROOT));
    if (singular.isEmpty()) {
      singular = kind.toLowerCase(Locale.ROOT);
    }
    String listKind = names.path("listKind").asText(kind + "List");
    if (listKind.isEmpty()) {
      listKind = kind + "List";
    }
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));
    List<ResourceType> out = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(false)) {
        continue;
      }
      List<Subresource> subs = new ArrayList<>();
      JsonNode sr = v.path("subresources");
      if (sr.has("scale")) {
        subs.add(Subresource.scale());
      }
      if (sr.has("status")) {
        subs.add(Subresource.status(kind));
      }
      out.add(
          new ResourceType(
              group,
              v.path("name").asText(),
              kind,
              plural,
              singular,
              texts(names.path("shortNames")),
              texts(names.path("categories")),
              namespaced,
              CUSTOM_RESOURCE_VERBS,
              subs,
              listKind,
              null));
    }
    return out;
  }

  /** The {@code spec.versions[]} entry named {@code version}, or a missing node. */
  public static JsonNode version(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (version.equals(v.path("name").asText())) {
        return v;
      }
    }
    return MissingNode.getInstance();
  }

  /** That version's {@code additionalPrinterColumns} (possibly an empty/missing node). */
  public static JsonNode printerColumns(JsonNode crd, String version) {
    return version(crd, version).path("additionalPrinterColumns");
  }

  /** That version's {@code schema.openAPIV3Schema}, or a missing node. */
  public static JsonNode schema(JsonNode crd, String version) {
    return version(crd, version).path("schema").path("openAPIV3Schema");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.asText());
    }
    return out;
  }
}
